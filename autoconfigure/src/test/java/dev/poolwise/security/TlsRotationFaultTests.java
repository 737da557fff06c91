package dev.poolwise.security;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.poolwise.autoconfigure.PoolwiseAutoConfiguration;
import dev.poolwise.autoconfigure.health.PoolHealthContributorAutoConfiguration;
import dev.poolwise.health.PoolHealthIndicator;
import dev.poolwise.test.Load;
import dev.poolwise.test.TlsServer;
import dev.poolwise.tls.TlsReport;
import dev.poolwise.validation.PoolConfigurationException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The ways a TLS rotation goes wrong in operations, against a real server with TLS on ({@link TlsServer}, one
 * of its own: these tests change its certificate): a trust file copied half-way or overwritten is refused
 * before it replaces the working material, a server certificate the bundle does not trust is named at run
 * time, and health reports a pool that cannot open connections while callers wait. Each bad rotation runs
 * under 8 clients through a pool of 4, and the failed calls are counted.
 */
@ExtendWith(OutputCaptureExtension.class)
class TlsRotationFaultTests {

	private static final Duration WINDOW = Duration.ofSeconds(2);

	private static TlsServer server;

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, SslAutoConfiguration.class,
				PoolwiseAutoConfiguration.class, PoolHealthContributorAutoConfiguration.class))
		.withPropertyValues("db.pool.size=4", "db.pool.overflow=0", "db.pool.timeout=2s",
				"spring.datasource.username=" + TlsServer.CERT_USER);

	@BeforeAll
	static void startServer() {
		server = TlsServer.start();
		server.issueClient("client", "ca");
		server.issueClient("stranger", "other-ca");
	}

	@AfterAll
	static void stopServer() throws IOException {
		server.close();
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "cut at 40%", "garbage" })
	void aBrokenTrustFileAtReloadKeepsTheWorkingMaterialWithoutAFailedCall(String damage, CapturedOutput output)
			throws Exception {
		Path trust = trustFile(read("ca.crt"));
		String intended = read("ca.crt") + read("other-ca.crt");
		String written = damage.equals("garbage") ? "not a certificate at all\n".repeat(40)
				: intended.substring(0, intended.length() * 40 / 100);
		rotating(trust).run((context) -> {
			assertThat(context).hasNotFailed();
			HealthIndicator health = context.getBean("dbPoolHealthContributor", HealthIndicator.class);
			try (Load load = Load.start(context.getBean(DataSource.class), 8, "SELECT 1")) {
				await().atMost(Duration.ofSeconds(30)).until(() -> load.done() > 200);
				assertThat(health.health().getStatus()).as("polled before, as in production").isEqualTo(Status.UP);
				Files.writeString(trust, written);
				Outcome outcome = badRotation(load, health, output);
				System.out.println("TLS bad rotation (trust file " + damage + "): " + outcome);
				assertThat(outcome.failed()).as("failed calls during the bad rotation: " + outcome).isZero();
				assertThat(outcome.status()).isEqualTo(Status.UP);
			}
			assertThat(output).contains("SSL bundle 'rot' was reloaded (spring.ssl.bundle.pem.rot), but its new "
					+ "material was refused: ")
				.contains("New connections keep the previous material and the open connections are kept");
			assertThat(output).doesNotContain("were replaced in");
		});
	}

	@Test
	void aTrustFileWithTheNewAuthorityCutShortIsReportedAndTheOldOneKeepsWorking(CapturedOutput output)
			throws Exception {
		Path trust = trustFile(read("ca.crt"));
		String intended = read("ca.crt") + read("other-ca.crt");
		rotating(trust).run((context) -> {
			assertThat(context).hasNotFailed();
			HealthIndicator health = context.getBean("dbPoolHealthContributor", HealthIndicator.class);
			try (Load load = Load.start(context.getBean(DataSource.class), 8, "SELECT 1")) {
				await().atMost(Duration.ofSeconds(30)).until(() -> load.done() > 200);
				assertThat(health.health().getStatus()).as("polled before, as in production").isEqualTo(Status.UP);
				Files.writeString(trust, intended.substring(0, intended.length() * 75 / 100));
				await().atMost(Duration.ofSeconds(30))
					.untilAsserted(() -> assertThat(output).contains("spring.ssl.bundle.pem.rot.truststore.certificate "
							+ "holds 1 whole certificate(s) and one cut short"));
				Outcome outcome = badRotation(load, health, output);
				System.out.println("TLS bad rotation (trust file cut at 75%): " + outcome);
				assertThat(outcome.failed()).isZero();
				assertThat(outcome.status()).isEqualTo(Status.UP);
			}
			assertThat(output).contains("only its trust material changed, so the open connections, verified "
					+ "already, are kept");
		});
	}

	@Test
	void aClientCertificateTheServerDoesNotAcceptAtReloadIsRefusedWithoutAFailedCall(CapturedOutput output)
			throws Exception {
		Path trust = trustFile(read("ca.crt"));
		Path certificate = ownCopy(trust, "client.crt");
		Path key = ownCopy(trust, "client.key");
		rotating(trust, certificate, key).run((context) -> {
			assertThat(context).hasNotFailed();
			HealthIndicator health = context.getBean("dbPoolHealthContributor", HealthIndicator.class);
			try (Load load = Load.start(context.getBean(DataSource.class), 8, "SELECT 1")) {
				await().atMost(Duration.ofSeconds(30)).until(() -> load.done() > 200);
				assertThat(health.health().getStatus()).as("polled before, as in production").isEqualTo(Status.UP);
				Files.copy(server.file("stranger.key"), key, StandardCopyOption.REPLACE_EXISTING);
				Files.copy(server.file("stranger.crt"), certificate, StandardCopyOption.REPLACE_EXISTING);
				Outcome outcome = badRotation(load, health, output);
				System.out.println("TLS bad rotation (client certificate from another CA): " + outcome);
				assertThat(outcome.failed()).as("failed calls during the bad rotation: " + outcome).isZero();
				assertThat(outcome.status()).isEqualTo(Status.UP);
			}
			assertThat(output).contains("SSL bundle 'rot' was reloaded (spring.ssl.bundle.pem.rot), but its new "
					+ "material was refused: a test connection with it failed: ");
			assertThat(output).doesNotContain("were replaced in");
		});
	}

	/**
	 * The test connection logs in, the pool's own replacements are refused: a login event trigger refuses the
	 * role's sessions that are not Poolwise's side connections, after 1.5 s (a server slow to say no, as one
	 * asking an LDAP server does), three times the rotation's interval. The rotation must wait for each
	 * replacement's outcome and stop at the first failure, keeping the other three connections. pgjdbc sends
	 * the application name in the startup packet, where the trigger sees it, only from assumeMinServerVersion 9.0.
	 */
	@Test
	void aRotationStopsAtTheFirstReplacementThatFailsAndThePoolKeepsItsOtherConnections(CapturedOutput output)
			throws Exception {
		Path trust = trustFile(read("ca.crt"));
		Path certificate = ownCopy(trust, "client.crt");
		Path key = ownCopy(trust, "client.key");
		String oldSerial = serialOf(certificate);
		ApplicationContextRunner runner = rotating(trust, certificate, key)
			.withPropertyValues("spring.datasource.hikari.data-source-properties.assumeMinServerVersion=18");
		runner.run((context) -> {
			assertThat(context).hasNotFailed();
			HikariDataSource pool = context.getBean(HikariDataSource.class);
			try (Load load = Load.start(pool, 2, "SELECT 1")) {
				await().atMost(Duration.ofSeconds(30)).until(() -> load.done() > 200);
				await().atMost(Duration.ofSeconds(30)).until(() -> sessions(oldSerial).size() == 4);
				List<Integer> before = sessions(oldSerial);
				try {
					server.execute("CREATE FUNCTION refuse_pool_logins() RETURNS event_trigger LANGUAGE plpgsql AS $$ "
							+ "BEGIN IF session_user = '" + TlsServer.CERT_USER + "' AND current_setting('application_name') "
							+ "NOT LIKE '%(dbPool %' THEN PERFORM pg_sleep(1.5); "
							+ "RAISE EXCEPTION 'logins of the pool are refused by the test'; END IF; END $$");
					server.execute("CREATE EVENT TRIGGER refuse_pool_logins ON login "
							+ "EXECUTE FUNCTION refuse_pool_logins()");
					server.issueClient("renewed", "ca");
					Files.copy(server.file("renewed.key"), key, StandardCopyOption.REPLACE_EXISTING);
					Files.copy(server.file("renewed.crt"), certificate, StandardCopyOption.REPLACE_EXISTING);
					await().atMost(Duration.ofSeconds(30))
						.untilAsserted(() -> assertThat(output).contains("The replacement stopped with"));
					long stopped = System.nanoTime();
					await().atMost(Duration.ofSeconds(20)).until(() -> System.nanoTime() - stopped > 3 * WINDOW.toNanos());
					List<Integer> after = sessions(oldSerial);
					long kept = before.stream().filter(after::contains).count();
					System.out.println("TLS rotation with failing replacements: " + kept + " of 4 connections kept, "
							+ load.failed() + " failed calls, pool total "
							+ pool.getHikariPoolMXBean().getTotalConnections());
					assertThat(kept).as("connections with the previous certificate kept").isEqualTo(3);
					assertThat(pool.getHikariPoolMXBean().getTotalConnections()).isEqualTo(3);
					assertThat(output).contains("The replacement stopped with 3 of 4 connection(s) not replaced");
				}
				finally {
					server.execute("DROP EVENT TRIGGER IF EXISTS refuse_pool_logins");
					server.execute("DROP FUNCTION IF EXISTS refuse_pool_logins()");
				}
				await().atMost(Duration.ofSeconds(30))
					.until(() -> pool.getHikariPoolMXBean().getTotalConnections() == 4);
			}
			assertThat(output).doesNotContain("were replaced in");
		});
	}

	@Test
	void aServerCertificateTheBundleDoesNotTrustIsNamedAtRunTimeAndHealthIsDownWhileCallersWait(
			CapturedOutput output) throws Exception {
		Path trust = trustFile(read("ca.crt"));
		rotating(trust).run((context) -> {
			assertThat(context).hasNotFailed();
			HikariDataSource pool = context.getBean(HikariDataSource.class);
			HealthIndicator health = context.getBean("dbPoolHealthContributor", HealthIndicator.class);
			try (Load load = Load.start(pool, 8, "SELECT 1")) {
				await().atMost(Duration.ofSeconds(30)).until(() -> load.done() > 200);
				assertThat(health.health().getStatus()).as("polled before, as in production").isEqualTo(Status.UP);
				try {
					server.serverCertificate("other-ca", "localhost");
					pool.getHikariPoolMXBean().softEvictConnections();
					await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
						Health now = health.health();
						assertThat(now.getStatus()).as(now.toString()).isEqualTo(Status.DOWN);
						assertThat(String.valueOf(now.getDetails().get(PoolHealthIndicator.ERROR)))
							.contains("cannot open connections")
							.contains("is not signed by a certificate authority in the trust material of SSL bundle "
									+ "'rot'");
						TlsReport tls = (TlsReport) now.getDetails().get(PoolHealthIndicator.TLS);
						assertThat(tls.serverCertificate().issuer()).as("the certificate the pool rejected")
							.isEqualTo("CN=poolwise-test-ca");
					});
					await().atMost(Duration.ofSeconds(30))
						.untilAsserted(() -> assertThat(messages(load.lastFailure()))
							.as(() -> "what callers get (" + load.done() + " calls done, " + load.failed() + " failed)")
							.contains("db.pool.ssl.bundle=rot is invalid: the server's certificate"));
					assertThat(output).contains("Pool 'dataSource' cannot open a connection: db.pool.ssl.bundle=rot is "
							+ "invalid: the server's certificate (subject CN=localhost, issued by "
							+ "CN=poolwise-test-other-ca) is not signed");
					server.serverCertificate("ca", "elsewhere.invalid");
					await().atMost(Duration.ofSeconds(30))
						.untilAsserted(() -> assertThat(String
							.valueOf(health.health().getDetails().get(PoolHealthIndicator.ERROR)))
							.contains("does not name the host localhost; it names DNS:elsewhere.invalid"));
				}
				finally {
					server.serverCertificate("ca", "localhost");
				}
				await().atMost(Duration.ofSeconds(30))
					.untilAsserted(() -> assertThat(health.health().getStatus()).isEqualTo(Status.UP));
			}
		});
	}

	@Test
	void anUnparseableTrustFileFailsStartupNamingTheBundle() throws Exception {
		Path trust = trustFile("-----BEGIN CERTIFICATE-----\nMIIB\n");
		this.contextRunner.withPropertyValues("spring.ssl.bundle.pem.rot.truststore.certificate=file:" + trust)
			.withPropertyValues("spring.datasource.url=" + server.url("localhost"), "db.pool.ssl.bundle=rot")
			.run((context) -> {
				assertThat(context).hasFailed();
				PoolConfigurationException failure = configurationFailure(context.getStartupFailure());
				assertThat(failure.getMessage()).contains("db.pool.ssl.bundle=rot is invalid: SSL bundle 'rot' "
						+ "cannot be read (spring.ssl.bundle.pem.rot): ");
			});
	}

	@Test
	void aRotationWindowOfZeroAndANegativeExpiryWarningFailStartupNamingTheProperty() {
		this.contextRunner.withPropertyValues("spring.ssl.bundle.pem.db.truststore.certificate=file:"
				+ server.file("ca.crt"), "spring.datasource.url=" + server.url("localhost"), "db.pool.ssl.bundle=db",
				"db.pool.ssl.rotation-window=0", "db.pool.ssl.expiry-warning=-1d")
			.run((context) -> {
				assertThat(context).hasFailed();
				String message = configurationFailure(context.getStartupFailure()).getMessage();
				assertThat(message).contains("db.pool.ssl.rotation-window=0 is invalid: must be longer than 0")
					.contains("db.pool.ssl.expiry-warning=-24h is invalid: must not be negative");
			});
	}

	/**
	 * Runs the load through a bad rotation: from the file's change until the bundle was seen reloaded and
	 * twice the rotation window more, or until the load stalls, then health and the counts.
	 */
	private static Outcome badRotation(Load load, HealthIndicator health, CapturedOutput output) {
		long failedBefore = load.failed();
		long doneBefore = load.done();
		long started = System.nanoTime();
		Status status;
		try {
			await().atMost(Duration.ofSeconds(30)).until(() -> output.toString().contains("was reloaded"));
			long seen = System.nanoTime();
			await().atMost(Duration.ofSeconds(20)).until(() -> System.nanoTime() - seen > 3 * WINDOW.toNanos());
			long doneAfterWindow = load.done();
			await().atMost(Duration.ofSeconds(15)).until(() -> load.done() > doneAfterWindow + 500);
		}
		catch (ConditionTimeoutException ex) {
			// the load stalled: the outcome below says how
		}
		Health now = health.health();
		status = now.getStatus();
		return new Outcome(load.failed() - failedBefore, load.done() - doneBefore,
				Duration.ofNanos(System.nanoTime() - started), status, now.getDetails().get(PoolHealthIndicator.TOTAL),
				now.getDetails().get(PoolHealthIndicator.PENDING), now.getDetails().get(PoolHealthIndicator.ERROR));
	}

	private ApplicationContextRunner rotating(Path trust) {
		return rotating(trust, server.file("client.crt"), server.file("client.key"));
	}

	private ApplicationContextRunner rotating(Path trust, Path certificate, Path key) {
		return this.contextRunner
			.withPropertyValues("spring.ssl.bundle.pem.rot.truststore.certificate=file:" + trust,
					"spring.ssl.bundle.pem.rot.keystore.certificate=file:" + certificate,
					"spring.ssl.bundle.pem.rot.keystore.private-key=file:" + key,
					"spring.ssl.bundle.pem.rot.reload-on-update=true", "spring.ssl.bundle.watch.file.quiet-period=300ms")
			.withPropertyValues("spring.datasource.url=" + server.url("localhost"), "db.pool.ssl.bundle=rot",
					"db.pool.ssl.rotation-window=" + WINDOW.toMillis() + "ms");
	}

	/**
	 * The backends of the role's sessions, other than Poolwise's side connections, that present the client
	 * certificate of this serial number.
	 */
	private static List<Integer> sessions(String serial) throws SQLException {
		List<Integer> pids = new ArrayList<>();
		try (Connection connection = server.connect(); Statement statement = connection.createStatement();
				ResultSet row = statement.executeQuery("SELECT pid FROM pg_stat_activity a JOIN pg_stat_ssl s "
						+ "USING (pid) WHERE a.usename = '" + TlsServer.CERT_USER + "' AND a.application_name NOT LIKE "
						+ "'%(dbPool %' AND a.state IS NOT NULL AND s.client_serial = " + serial)) {
			while (row.next()) {
				pids.add(row.getInt(1));
			}
		}
		return pids;
	}

	private static String serialOf(Path certificate) throws Exception {
		try (InputStream in = Files.newInputStream(certificate)) {
			return ((X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in))
				.getSerialNumber()
				.toString();
		}
	}

	/**
	 * A copy of one of the server's files beside the trust file, for the test to replace.
	 */
	private static Path ownCopy(Path trust, String name) throws IOException {
		Path copy = trust.resolveSibling(name);
		Files.copy(server.file(name), copy);
		return copy;
	}

	private static Path trustFile(String content) throws IOException {
		Path directory = Files.createTempDirectory(server.file("."), "trust");
		Path trust = directory.resolve("trust.crt");
		Files.writeString(trust, content);
		return trust;
	}

	private static String read(String name) throws IOException {
		return Files.readString(server.file(name));
	}

	private static String messages(Throwable failure) {
		List<String> messages = new ArrayList<>();
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			messages.add(String.valueOf(cause.getMessage()));
		}
		return String.join(" / ", messages);
	}

	private static PoolConfigurationException configurationFailure(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof PoolConfigurationException configuration) {
				return configuration;
			}
		}
		throw new AssertionError("Not a PoolConfigurationException", failure);
	}

	private record Outcome(long failed, long succeeded, Duration measured, Status status, Object total,
			Object pending, Object error) {

		@Override
		public String toString() {
			return "failed calls=" + this.failed + ", succeeded=" + this.succeeded + " in "
					+ this.measured.toMillis() + "ms, dbPool health " + this.status.getCode() + " (total "
					+ this.total + ", pending " + this.pending + ((this.error != null) ? ", error " + this.error : "")
					+ ")";
		}

	}

}
