package dev.poolwise.security;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.poolwise.autoconfigure.PoolwiseAutoConfiguration;
import dev.poolwise.startup.DatabaseUnavailableException;
import dev.poolwise.test.PostgresServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * TLS settings in the URL reach the driver untouched: against a server whose certificate names another
 * host, {@code sslmode=verify-full} refuses to connect while {@code verify-ca} connects over TLS.
 */
class TlsVerificationTests {

	@TempDir
	static Path certificates;

	private static EmbeddedPostgres server;

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, PoolwiseAutoConfiguration.class))
		.withPropertyValues("spring.datasource.username=postgres", "spring.datasource.password=" + PostgresServer.PASSWORD);

	@BeforeAll
	static void startServerWithACertificateForAnotherHost() throws IOException, InterruptedException {
		openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=poolwise-test-ca",
				"-keyout", "ca.key", "-out", "ca.crt");
		openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=db.elsewhere.example", "-keyout",
				"server.key", "-out", "server.csr");
		openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
				"-days", "2", "-out", "server.crt");
		Files.setPosixFilePermissions(certificates.resolve("server.key"), PosixFilePermissions.fromString("rw-------"));
		server = EmbeddedPostgres.builder()
			.setServerConfig("ssl", "on")
			.setServerConfig("ssl_cert_file", certificates.resolve("server.crt").toString())
			.setServerConfig("ssl_key_file", certificates.resolve("server.key").toString())
			.start();
	}

	@AfterAll
	static void stopServer() throws IOException {
		server.close();
	}

	@Test
	void verifyFullRefusesACertificateForAnotherHost() {
		this.contextRunner.withPropertyValues("spring.datasource.url=" + url("verify-full")).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("could not be verified");
			assertThat(String.valueOf(findUnavailable(context.getStartupFailure()).getMessage()))
				.contains("sslmode=verify-full")
				.doesNotContain(PostgresServer.PASSWORD);
		});
	}

	@Test
	void verifyCaConnectsOverTls() {
		this.contextRunner.withPropertyValues("spring.datasource.url=" + url("verify-ca")).run((context) -> {
			assertThat(context).hasNotFailed();
			try (Connection connection = context.getBean(javax.sql.DataSource.class).getConnection();
					Statement statement = connection.createStatement();
					ResultSet row = statement.executeQuery("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
				row.next();
				assertThat(row.getBoolean(1)).isTrue();
			}
		});
	}

	private static String url(String sslmode) {
		return "jdbc:postgresql://localhost:" + server.getPort() + "/postgres?sslmode=" + sslmode + "&sslrootcert="
				+ certificates.resolve("ca.crt");
	}

	private static DatabaseUnavailableException findUnavailable(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof DatabaseUnavailableException unavailable) {
				return unavailable;
			}
		}
		return null;
	}

	private static void openssl(String... arguments) throws IOException, InterruptedException {
		List<String> command = new ArrayList<>(List.of("openssl"));
		command.addAll(List.of(arguments));
		Process process = new ProcessBuilder(command).directory(certificates.toFile()).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes());
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
		assertThat(process.exitValue()).as(output).isZero();
	}

}
