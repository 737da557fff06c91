package dev.poolwise.security;

import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.poolwise.autoconfigure.PoolwiseAutoConfiguration;
import dev.poolwise.test.TlsServer;
import dev.poolwise.validation.PoolConfigurationException;
import dev.poolwise.validation.Violation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * pgjdbc's login switches as {@code db.pool.auth.*} and {@code db.pool.ssl.negotiation}, against a real server
 * with TLS on ({@link TlsServer}, one of its own) whose {@code pg_hba.conf} asks the role {@value #CLEAR} for
 * its password in cleartext ({@code password}), over TLS or not, and the role {@value #SCRAM} for a SCRAM
 * login.
 */
@ExtendWith(OutputCaptureExtension.class)
class LoginSwitchTests {

	private static final String CLEAR = "clear";

	private static final String SCRAM = "scram";

	private static final String PASSWORD = "s3cret-login-switch";

	private static TlsServer server;

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, SslAutoConfiguration.class,
				PoolwiseAutoConfiguration.class))
		.withPropertyValues("db.pool.size=1", "db.pool.overflow=0", "db.pool.timeout=2s",
				"spring.datasource.password=" + PASSWORD);

	private static final List<String> HBA = List.of("host all " + CLEAR + " 127.0.0.1/32 password",
			"host all " + CLEAR + " ::1/128 password", "host all " + SCRAM + " 127.0.0.1/32 scram-sha-256",
			"host all " + SCRAM + " ::1/128 scram-sha-256");

	@BeforeAll
	static void startServer() {
		server = TlsServer.start(HBA);
		server.execute("CREATE ROLE " + CLEAR + " LOGIN PASSWORD '" + PASSWORD + "'");
		server.execute("CREATE ROLE " + SCRAM + " LOGIN PASSWORD '" + PASSWORD + "'");
	}

	@AfterAll
	static void stopServer() throws IOException {
		server.close();
	}

	@Test
	void aServerThatAsksForTheCleartextPasswordWithoutTlsIsRefusedByDefaultNamingTheKey(CapturedOutput output) {
		this.contextRunner.withPropertyValues("spring.datasource.url=" + server.url("localhost") + "?sslmode=disable",
				"spring.datasource.username=" + CLEAR)
			.run((context) -> {
				assertThat(context).hasFailed();
				Report analysis = analysis(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("db.pool.auth.allow-cleartext-password=false is "
						+ "invalid: the server at localhost:" + port() + " asked for the password in cleartext "
						+ "(pg_hba.conf method password, ldap, pam, radius or bsd) over a connection that is not required "
						+ "to use TLS");
				assertThat(analysis.getAction()).contains("Change the role's pg_hba.conf line to scram-sha-256")
					.contains("set db.pool.auth.allow-cleartext-password=true to send it anyway");
			});
		assertThat(output).doesNotContain(PASSWORD);
	}

	@Test
	void aServerThatSwitchesToACleartextPasswordAtRunTimeIsRefusedNamingTheKey(CapturedOutput output)
			throws SQLException {
		this.contextRunner.withPropertyValues("spring.datasource.url=" + server.url("localhost") + "?sslmode=disable",
				"spring.datasource.username=" + SCRAM)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				HikariDataSource pool = context.getBean(HikariDataSource.class);
				pool.getConnection().close();
				try {
					server.hba(List.of("host all " + SCRAM + " 127.0.0.1/32 password",
							"host all " + SCRAM + " ::1/128 password"));
					pool.getHikariPoolMXBean().softEvictConnections();
					assertThatExceptionOfType(SQLException.class).isThrownBy(pool::getConnection)
						.havingCause()
						.withMessageContaining("db.pool.auth.allow-cleartext-password=false is invalid: the server at "
								+ "localhost:" + port() + " asked for the password in cleartext");
				}
				finally {
					server.hba(HBA);
				}
			});
		assertThat(output).contains("Pool 'dataSource' cannot open a connection: "
				+ "db.pool.auth.allow-cleartext-password=false is invalid").doesNotContain(PASSWORD);
	}

	@Test
	void aCleartextPasswordGoesOnlyWhenTheUserAllowsItOrTheConfigurationRequiresTls(CapturedOutput output) {
		this.contextRunner.withPropertyValues("spring.datasource.url=" + server.url("localhost") + "?sslmode=disable",
				"spring.datasource.username=" + CLEAR, "db.pool.auth.allow-cleartext-password=true")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(encrypted(context.getBean(DataSource.class))).isFalse();
			});
		this.contextRunner.withPropertyValues("spring.datasource.url=" + server.url("localhost") + "?sslmode=require",
				"spring.datasource.username=" + CLEAR)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(encrypted(context.getBean(DataSource.class))).isTrue();
			});
		assertThat(output).contains("login: requireAuth=(any method), channelBinding=prefer, sslNegotiation=postgres")
			.doesNotContain(PASSWORD);
	}

	@Test
	void aRequireAuthTheUserSetWinsOverTheDefaultAndBesideTheKeyIsRefusedNamingBoth() {
		String url = server.url("localhost") + "?sslmode=disable&requireAuth=password,scram-sha-256";
		this.contextRunner.withPropertyValues("spring.datasource.url=" + url, "spring.datasource.username=" + CLEAR)
			.run((context) -> assertThat(context).hasNotFailed());
		this.contextRunner
			.withPropertyValues("spring.datasource.url=" + url, "spring.datasource.username=" + CLEAR,
					"db.pool.auth.require=scram-sha-256")
			.run((context) -> {
				assertThat(context).hasFailed();
				Report analysis = analysis(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("db.pool.auth.require=scram-sha-256 is invalid: "
						+ "spring.datasource.url sets requireAuth too, and Poolwise does not choose between two "
						+ "security settings");
				assertThat(analysis.getAction())
					.contains("Keep one: remove requireAuth from spring.datasource.url, or remove db.pool.auth.require.");
			});
	}

	@Test
	void aRequireAuthThatLeavesTheServersMethodOutIsRefusedNamingTheKey() {
		this.contextRunner.withPropertyValues("spring.datasource.url=" + server.url("localhost") + "?sslmode=require",
				"spring.datasource.username=" + CLEAR, "db.pool.auth.require=scram-sha-256")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(analysis(context.getStartupFailure()).getDescription())
					.contains("db.pool.auth.require=scram-sha-256 is invalid: the server at localhost:" + port()
							+ " asked for an authentication method that it does not allow");
			});
	}

	@Test
	void channelBindingRequiredIsMetOverTlsWithScram(CapturedOutput output) {
		bundle().withPropertyValues("spring.datasource.username=" + SCRAM, "db.pool.auth.channel-binding=require")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(encrypted(context.getBean(DataSource.class))).isTrue();
			});
		assertThat(output).contains("server verified (certificate chain and host name; SSL bundle 'db'")
			.contains("login: requireAuth=(any method), channelBinding=require, sslNegotiation=postgres");
	}

	@Test
	void channelBindingRequiredIsRefusedWhenTheServerDoesNotAskForScram() {
		bundle().withPropertyValues("spring.datasource.username=" + CLEAR, "db.pool.auth.channel-binding=require")
			.run((context) -> {
				assertThat(context).hasFailed();
				Report analysis = analysis(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("db.pool.auth.channel-binding=require is invalid: "
						+ "the login at localhost:" + port() + " could not be bound to the TLS session: Channel binding "
						+ "is required, but server requested 'password' authentication");
				assertThat(analysis.getAction()).contains("set db.pool.auth.channel-binding=prefer");
			});
	}

	@Test
	void directTlsNegotiationConnectsToPostgreSql17OrLater(CapturedOutput output) {
		bundle().withPropertyValues("spring.datasource.username=" + SCRAM, "db.pool.ssl.negotiation=direct")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(encrypted(context.getBean(DataSource.class))).isTrue();
			});
		assertThat(output).contains("channelBinding=prefer, sslNegotiation=direct");
	}

	@Test
	void badSwitchValuesFailStartupInOneReportNamingKeyValueAndAllowedValues() {
		this.contextRunner
			.withPropertyValues("spring.datasource.url=" + server.url("localhost"),
					"spring.datasource.username=" + SCRAM, "db.pool.auth.channel-binding=requir",
					"db.pool.auth.require=!password,md5", "db.pool.ssl.negotiation=direct")
			.run((context) -> {
				assertThat(context).hasFailed();
				Report analysis = analysis(context.getStartupFailure());
				assertThat(analysis.getDescription())
					.contains("db.pool.auth.channel-binding=requir is invalid: must be one of disable, prefer, require")
					.contains("db.pool.auth.require=!password,md5 is invalid: it mixes methods to allow with methods "
							+ "to refuse (!)")
					.contains("db.pool.ssl.negotiation=direct is invalid: it needs TLS required");
				assertThat(analysis.getAction()).contains("from password, md5, gss, sspi, scram-sha-256, none")
					.contains("or set db.pool.ssl.negotiation=postgres");
			});
	}

	private ApplicationContextRunner bundle() {
		return this.contextRunner.withPropertyValues(
				"spring.ssl.bundle.pem.db.truststore.certificate=file:" + server.file("ca.crt"),
				"spring.datasource.url=" + server.url("localhost"), "db.pool.ssl.bundle=db");
	}

	private static boolean encrypted(DataSource dataSource) throws Exception {
		try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
				ResultSet row = statement.executeQuery("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
			return row.next() && row.getBoolean(1);
		}
	}

	private static String port() {
		String url = server.url("localhost");
		return url.substring(url.lastIndexOf(':') + 1, url.lastIndexOf('/'));
	}

	/**
	 * What the failure analyzer reports: every violation's description, and every fix.
	 */
	private static Report analysis(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof PoolConfigurationException configuration) {
				return new Report(configuration.getMessage(), configuration.getViolations()
					.stream()
					.map(Violation::fix)
					.collect(Collectors.joining(" ")));
			}
		}
		throw new AssertionError("Not a PoolConfigurationException", failure);
	}

	private record Report(String getDescription, String getAction) {

	}

}
