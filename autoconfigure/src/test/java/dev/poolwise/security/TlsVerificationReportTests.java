package dev.poolwise.security;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import javax.sql.DataSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.ssl.WrappedFactory;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.poolwise.autoconfigure.PoolwiseAutoConfiguration;
import dev.poolwise.test.TlsServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the startup report says is verified about the server when TLS comes from the URL with a custom
 * {@code sslfactory} or {@code sslhostnameverifier}, against a real server with TLS on ({@link TlsServer}):
 * only what Poolwise knows pgjdbc checked.
 */
@ExtendWith(OutputCaptureExtension.class)
class TlsVerificationReportTests {

	private static TlsServer server;

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, PoolwiseAutoConfiguration.class))
		.withPropertyValues("db.pool.size=1", "db.pool.overflow=0", "spring.datasource.username=postgres");

	@BeforeAll
	static void startServer() {
		server = TlsServer.start();
	}

	@AfterAll
	static void stopServer() throws IOException {
		server.close();
	}

	@Test
	void aCustomSslFactoryThatTrustsAnyServerIsNotReportedAsVerifyingIt(CapturedOutput output) {
		String query = "?sslmode=verify-full&sslfactory=" + TrustingFactory.class.getName();
		this.contextRunner.withPropertyValues("spring.datasource.url=" + server.url("localhost") + query)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(encrypted(context)).isTrue();
				assertThat(output).contains("server verification unknown to Poolwise (sslmode=verify-full, sslfactory="
						+ TrustingFactory.class.getName() + ", a custom factory that decides what is verified)")
					.doesNotContain("server verified (");
			});
		String otherHost = "jdbc:postgresql://localhost:" + port() + ",db.example.invalid:5432/postgres" + query;
		this.contextRunner
			.withPropertyValues("spring.datasource.url=" + otherHost, "db.pool.ssl.require-verified=true")
			.run((context) -> assertThat(failure(context)).contains("db.pool.ssl.bundle=(not set) is invalid")
				.contains("server verification unknown to Poolwise")
				.contains("may be able to read or change its traffic"));
	}

	@Test
	void aCustomHostNameVerifierLeavesOnlyTheChainReportedAsVerified(CapturedOutput output) {
		String url = server.url("127.0.0.1") + "?sslmode=verify-full&sslrootcert=" + server.file("ca.crt")
				+ "&sslhostnameverifier=" + AcceptingVerifier.class.getName();
		this.contextRunner.withPropertyValues("spring.datasource.url=" + url).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(encrypted(context)).isTrue();
			assertThat(output).contains("server verified by certificate chain only, not host name (sslmode=verify-full; "
					+ "host name left to sslhostnameverifier=" + AcceptingVerifier.class.getName()
					+ ", which Poolwise cannot judge)").doesNotContain("server verified (");
		});
	}

	private static boolean encrypted(AssertableApplicationContext context) throws SQLException {
		try (Connection connection = context.getBean(DataSource.class).getConnection();
				Statement statement = connection.createStatement();
				ResultSet row = statement.executeQuery("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
			row.next();
			return row.getBoolean(1);
		}
	}

	private static int port() {
		String url = server.url("localhost");
		return Integer.parseInt(url.substring(url.lastIndexOf(':') + 1, url.lastIndexOf('/')));
	}

	private static String failure(AssertableApplicationContext context) {
		assertThat(context).hasFailed();
		StringBuilder messages = new StringBuilder();
		for (Throwable cause = context.getStartupFailure(); cause != null; cause = cause.getCause()) {
			messages.append(cause.getMessage()).append('\n');
		}
		return messages.toString();
	}

	/**
	 * An {@code sslfactory} that accepts any certificate, as custom factories written to "make TLS work" do.
	 */
	public static class TrustingFactory extends WrappedFactory {

		public TrustingFactory() throws GeneralSecurityException {
			SSLContext context = SSLContext.getInstance("TLS");
			context.init(null, new TrustManager[] { new TrustingManager() }, null);
			this.factory = context.getSocketFactory();
		}

	}

	private static final class TrustingManager implements X509TrustManager {

		@Override
		public void checkClientTrusted(X509Certificate[] chain, String authType) {
		}

		@Override
		public void checkServerTrusted(X509Certificate[] chain, String authType) {
		}

		@Override
		public X509Certificate[] getAcceptedIssuers() {
			return new X509Certificate[0];
		}

	}

	/**
	 * An {@code sslhostnameverifier} that accepts any host name.
	 */
	public static class AcceptingVerifier implements HostnameVerifier {

		@Override
		public boolean verify(String hostname, SSLSession session) {
			return true;
		}

	}

}
