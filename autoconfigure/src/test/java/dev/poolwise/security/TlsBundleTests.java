package dev.poolwise.security;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.poolwise.autoconfigure.PoolwiseAutoConfiguration;
import dev.poolwise.autoconfigure.health.PoolHealthContributorAutoConfiguration;
import dev.poolwise.autoconfigure.metrics.PoolMetricsAutoConfiguration;
import dev.poolwise.health.PoolHealthIndicator;
import dev.poolwise.net.TcpKeepaliveSocketFactory;
import dev.poolwise.startup.DatabaseUnavailableException;
import dev.poolwise.test.PostgresServer;
import dev.poolwise.test.TlsServer;
import dev.poolwise.tls.BundleSslSocketFactory;
import dev.poolwise.tls.TlsReport;
import dev.poolwise.validation.PoolConfigurationException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * TLS from a Spring Boot SSL bundle against a real server with TLS on ({@link TlsServer}): verified in full
 * by default with the client certificate as the login, on the pool's and the side connections alike; every
 * bad certificate or setting one startup error naming the key; a reloaded bundle rolled through the pool
 * under load without a failed call. TLS set in the URL without a bundle still reaches pgjdbc untouched.
 */
@ExtendWith(OutputCaptureExtension.class)
class TlsBundleTests {

	private static TlsServer server;

	private static String clientSerial;

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, SslAutoConfiguration.class,
				PoolwiseAutoConfiguration.class, PoolHealthContributorAutoConfiguration.class,
				MetricsAutoConfiguration.class, PoolMetricsAutoConfiguration.class))
		.withBean(SimpleMeterRegistry.class)
		.withPropertyValues("management.metrics.use-global-registry=false", "db.pool.size=2", "db.pool.overflow=2",
				"spring.datasource.username=" + TlsServer.CERT_USER);

	@BeforeAll
	static void startServer() {
		server = TlsServer.start();
		clientSerial = server.issueClient("client", "ca");
		server.issueClient("stranger", "other-ca");
	}

	@AfterAll
	static void stopServer() throws IOException {
		server.close();
	}

	@Test
	void bundleVerifiesTheServerInFullAndItsClientCertificateLogsEveryConnectionIn(CapturedOutput output) {
		this.contextRunner.withPropertyValues(bundle("db", "ca", "client"))
			.withPropertyValues("spring.datasource.url=" + server.url("localhost"), "db.pool.ssl.bundle=db")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				HikariDataSource pool = context.getBean(HikariDataSource.class);
				assertThat(pool.getDataSourceProperties()).containsEntry("sslmode", "verify-full")
					.containsEntry("sslfactory", BundleSslSocketFactory.class.getName())
					.containsEntry("socketFactory", TcpKeepaliveSocketFactory.class.getName());
				try (Connection connection = pool.getConnection();
						Statement statement = connection.createStatement();
						ResultSet row = statement.executeQuery("SELECT ssl, client_serial, current_user "
								+ "FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
					assertThat(row.next()).isTrue();
					assertThat(row.getBoolean(1)).isTrue();
					assertThat(row.getString(2)).isEqualTo(clientSerial);
					assertThat(row.getString(3)).isEqualTo(TlsServer.CERT_USER);
				}
				assertThat(output).contains("Pool 'dataSource' connections: TLS (TLSv1.3, ")
					.contains("per pg_stat_ssl), server verified (certificate chain and host name; SSL bundle 'db', "
							+ "db.pool.ssl.mode=verify-full)");
				Health health = context.getBean("dbPoolHealthContributor", HealthIndicator.class).health();
				assertThat(health.getStatus()).as("the probe logs in as certuser: TLS with the client certificate")
					.isEqualTo(Status.UP);
				TlsReport tls = (TlsReport) health.getDetails().get(PoolHealthIndicator.TLS);
				assertThat(tls.protocol()).isEqualTo("TLSv1.3");
				assertThat(tls.serverCertificate().subject()).isEqualTo("CN=localhost");
				assertThat(tls.clientCertificate().subject()).isEqualTo("CN=" + TlsServer.CERT_USER);
				assertThat(tls.clientCertificate().daysLeft()).isBetween(1L, 2L);
				assertThat(health.getDetails().get(PoolHealthIndicator.WARNINGS).toString())
					.contains("the server certificate (CN=localhost) expires in 1 day(s)")
					.contains("within db.pool.ssl.expiry-warning 336h");
				assertThat(health.toString()).doesNotContain("PRIVATE").doesNotContain("BEGIN");
				TimeGauge expiry = context.getBean(MeterRegistry.class)
					.get("db.pool.ssl.certificate.expiry")
					.tag("certificate", "server")
					.timeGauge();
				assertThat(expiry.value(TimeUnit.DAYS)).isBetween(1.0, 2.0);
			});
	}

	@Test
	void aJksBundleOfPkcs12StoresVerifiesTheServerAndLogsTheClientInWithoutShowingItsPassword(CapturedOutput output) {
		String password = "store-secret-" + System.nanoTime();
		server.exportStores("client", "ca", password);
		String stores = "spring.ssl.bundle.jks.stores.";
		this.contextRunner
			.withPropertyValues(stores + "keystore.location=file:" + server.file("client.p12"),
					stores + "keystore.password=" + password, stores + "keystore.type=PKCS12",
					stores + "truststore.location=file:" + server.file("ca-trust.p12"),
					stores + "truststore.password=" + password, stores + "truststore.type=PKCS12")
			.withPropertyValues("spring.datasource.url=" + server.url("localhost"), "db.pool.ssl.bundle=stores")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				HikariDataSource pool = context.getBean(HikariDataSource.class);
				try (Connection connection = pool.getConnection();
						Statement statement = connection.createStatement();
						ResultSet row = statement.executeQuery(
								"SELECT ssl, client_serial FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
					assertThat(row.next()).isTrue();
					assertThat(row.getBoolean(1)).isTrue();
					assertThat(row.getString(2)).isEqualTo(clientSerial);
				}
				assertThat(output).contains("server verified (certificate chain and host name; SSL bundle 'stores', "
						+ "db.pool.ssl.mode=verify-full)");
				assertThat(output).doesNotContain(password);
				assertThat(context.getBean("dbPoolHealthContributor", HealthIndicator.class).health().toString())
					.doesNotContain(password);
			});
	}

	@Test
	void aServerCertificateRotatedUnderThePoolIsVerifiedAtTheNextConnectionAndShownInHealth() {
		this.contextRunner.withPropertyValues(bundle("db", "ca", "client"))
			.withPropertyValues("spring.datasource.url=" + server.url("localhost"), "db.pool.ssl.bundle=db")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				HikariDataSource pool = context.getBean(HikariDataSource.class);
				HealthIndicator health = context.getBean("dbPoolHealthContributor", HealthIndicator.class);
				String before = ((TlsReport) health.health().getDetails().get(PoolHealthIndicator.TLS))
					.serverCertificate()
					.expires();
				try (Connection held = pool.getConnection()) {
					server.serverCertificate(false);
					pool.getHikariPoolMXBean().softEvictConnections();
					try (Connection fresh = pool.getConnection();
							Statement statement = fresh.createStatement();
							ResultSet row = statement.executeQuery("SELECT ssl FROM pg_stat_ssl WHERE pid = "
									+ "pg_backend_pid()")) {
						assertThat(row.next()).isTrue();
						assertThat(row.getBoolean(1)).isTrue();
					}
					try (Statement statement = held.createStatement()) {
						assertThat(statement.execute("SELECT 1")).as("a connection opened before the rotation")
							.isTrue();
					}
				}
				await().atMost(Duration.ofSeconds(10))
					.until(() -> !before.equals(((TlsReport) health.health().getDetails().get(PoolHealthIndicator.TLS))
						.serverCertificate()
						.expires()));
			});
	}

	@Test
	void weakerModesAreNamedInTheStartupLog(CapturedOutput output) {
		this.contextRunner.withPropertyValues(bundle("db", "ca", "client"))
			.withPropertyValues("spring.datasource.url=" + server.url("127.0.0.1"), "db.pool.ssl.bundle=db",
					"db.pool.ssl.mode=verify-ca")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(output).contains("server verified by certificate chain only, not host name (SSL bundle "
						+ "'db', db.pool.ssl.mode=verify-ca)");
			});
		this.contextRunner.withPropertyValues(bundle("other", "other-ca", null))
			.withPropertyValues("spring.datasource.url=" + server.url("127.0.0.1"), "db.pool.ssl.bundle=other",
					"db.pool.ssl.mode=require", "spring.datasource.username=postgres")
			.run((context) -> {
				assertThat(context).as("require checks neither the chain nor the host").hasNotFailed();
				assertThat(output).contains("connections: TLS (TLSv1.3")
					.contains("server NOT verified (SSL bundle 'other', db.pool.ssl.mode=require)");
			});
	}

	@Test
	void aCertificateThatDoesNotNameTheHostFailsStartupSayingWhichNamesItHas() {
		this.contextRunner.withPropertyValues(bundle("db", "ca", "client"))
			.withPropertyValues("spring.datasource.url=" + server.url("127.0.0.1"), "db.pool.ssl.bundle=db")
			.run((context) -> assertThat(failure(context)).contains("db.pool.ssl.bundle=db is invalid")
				.contains("(subject CN=localhost, issued by CN=poolwise-test-ca) does not name the host 127.0.0.1; "
						+ "it names DNS:localhost")
				.contains("db.pool.ssl.mode=verify-ca"));
	}

	@Test
	void aCertificateFromAnAuthorityOutsideTheBundleFailsStartup() {
		this.contextRunner.withPropertyValues(bundle("other", "other-ca", null))
			.withPropertyValues("spring.datasource.url=" + server.url("localhost"), "db.pool.ssl.bundle=other",
					"spring.datasource.username=postgres")
			.run((context) -> assertThat(failure(context))
				.contains("is not signed by a certificate authority in the trust material of SSL bundle 'other'")
				.contains("spring.ssl.bundle.pem.other.truststore.certificate"));
	}

	@Test
	void anExpiredServerCertificateFailsStartup() {
		server.serverCertificate(true);
		try {
			this.contextRunner.withPropertyValues(bundle("db", "ca", "client"))
				.withPropertyValues("spring.datasource.url=" + server.url("localhost"), "db.pool.ssl.bundle=db")
				.run((context) -> assertThat(failure(context)).contains("db.pool.ssl.bundle=db is invalid")
					.contains("(subject CN=localhost, issued by CN=poolwise-test-ca) expired at "));
		}
		finally {
			server.serverCertificate(false);
		}
	}

	@Test
	void aClientCertificateTheServerRejectsFailsStartup() {
		this.contextRunner.withPropertyValues(bundle("db", "ca", "stranger"))
			.withPropertyValues("spring.datasource.url=" + server.url("localhost"), "db.pool.ssl.bundle=db")
			.run((context) -> assertThat(failure(context))
				.contains("the server rejected the client certificate (subject CN=" + TlsServer.CERT_USER
						+ ", issued by CN=poolwise-test-other-ca")
				.contains("of SSL bundle 'db'"));
	}

	@Test
	void aServerThatDoesNotOfferTlsFailsStartup() {
		this.contextRunner.withPropertyValues(bundle("db", "ca", null))
			.withPropertyValues(PostgresServer.datasourceProperties())
			.withPropertyValues("db.pool.ssl.bundle=db")
			.run((context) -> assertThat(failure(context)).contains("db.pool.ssl.bundle=db is invalid: the server at ")
				.contains("does not offer TLS"));
	}

	@Test
	void unusableBundlesAndConflictingUrlParametersFailStartupBeforeConnecting() {
		this.contextRunner.withPropertyValues(bundle("db", "ca", "client"))
			.withPropertyValues("spring.datasource.url=" + server.url("localhost"), "db.pool.ssl.bundle=nope")
			.run((context) -> assertThat(failure(context))
				.contains("db.pool.ssl.bundle=nope is invalid: no SSL bundle is named 'nope' (bundles: db)"));
		this.contextRunner
			.withPropertyValues("spring.ssl.bundle.pem.keys.keystore.certificate=file:" + server.file("client.crt"),
					"spring.ssl.bundle.pem.keys.keystore.private-key=file:" + server.file("client.key"))
			.withPropertyValues("spring.datasource.url=" + server.url("localhost"),
					"db.pool.datasources.dataSource.ssl.bundle=keys")
			.run((context) -> assertThat(failure(context))
				.contains("db.pool.datasources.dataSource.ssl.bundle=keys is invalid: SSL bundle 'keys' has no trust "
						+ "material"));
		this.contextRunner.withPropertyValues(bundle("db", "ca", "client"))
			.withPropertyValues("spring.datasource.url=" + server.url("localhost") + "?sslmode=require&sslrootcert=/ca.crt",
					"db.pool.ssl.bundle=db")
			.run((context) -> assertThat(failure(context))
				.contains("it sets sslmode, which conflicts with TLS from SSL bundle 'db' (db.pool.ssl.bundle)")
				.contains("it sets sslrootcert, which conflicts"));
	}

	@Test
	void tlsSetInTheUrlWithoutABundleStillReachesTheDriver(CapturedOutput output) {
		String url = server.url("127.0.0.1") + "?sslrootcert=" + server.file("ca.crt") + "&sslmode=";
		this.contextRunner.withPropertyValues("spring.datasource.url=" + url + "verify-full",
				"spring.datasource.username=postgres")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(String.valueOf(unavailable(context.getStartupFailure()).getMessage()))
					.contains("could not be verified")
					.contains("sslmode=verify-full");
			});
		this.contextRunner
			.withPropertyValues("spring.datasource.url=" + url + "verify-ca", "spring.datasource.username=postgres")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				try (Connection connection = context.getBean(DataSource.class).getConnection();
						Statement statement = connection.createStatement();
						ResultSet row = statement
							.executeQuery("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
					row.next();
					assertThat(row.getBoolean(1)).isTrue();
				}
				assertThat(output).contains("server verified by certificate chain only, not host name (sslmode=verify-ca)");
			});
	}

	@Test
	void aPoolToAnotherHostWithoutVerifiedTlsWarnsOnceOrFailsWhenVerificationIsRequired(CapturedOutput output) {
		String url = "jdbc:postgresql://localhost:" + port() + ",db.example.invalid:5432/postgres";
		this.contextRunner.withPropertyValues("spring.datasource.url=" + url, "spring.datasource.username=postgres")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				String warning = "pool 'dataSource' connects to localhost,db.example.invalid with its server NOT "
						+ "verified (sslmode=prefer, pgjdbc's default)";
				assertThat(output.getOut().split(java.util.regex.Pattern.quote(warning), -1)).hasSize(2);
				assertThat(output).contains("Set db.pool.ssl.bundle to a Spring Boot SSL bundle holding the server's CA")
					.contains("connections: TLS (TLSv1.3");
			});
		this.contextRunner.withPropertyValues("spring.datasource.url=" + url, "spring.datasource.username=postgres",
				"db.pool.ssl.require-verified=true")
			.run((context) -> assertThat(failure(context)).contains("db.pool.ssl.bundle=(not set) is invalid: pool "
					+ "'dataSource' connects to localhost,db.example.invalid"));
	}

	@Test
	void aReloadedBundleReplacesEveryConnectionAndTheHealthProbesWithinTheWindowWithoutAFailedCall(CapturedOutput output)
			throws Exception {
		String firstSerial = server.issueClient("rotating", "ca");
		server.execute("CREATE TABLE IF NOT EXISTS tls_rotation (n bigint)");
		server.execute("ALTER TABLE tls_rotation OWNER TO " + TlsServer.CERT_USER);
		this.contextRunner.withPropertyValues(bundle("rotating", "ca", "rotating"))
			.withPropertyValues("spring.ssl.bundle.pem.rotating.reload-on-update=true",
					"spring.ssl.bundle.watch.file.quiet-period=500ms", "spring.datasource.url=" + server.url("localhost"),
					"db.pool.ssl.bundle=rotating", "db.pool.ssl.rotation-window=4s", "db.pool.size=4",
					"db.pool.overflow=0", "spring.application.name=tls-rotation")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				DataSource pool = context.getBean(DataSource.class);
				AtomicBoolean running = new AtomicBoolean(true);
				AtomicLong writes = new AtomicLong();
				AtomicInteger failures = new AtomicInteger();
				List<String> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
				ExecutorService writers = Executors.newFixedThreadPool(4);
				for (int i = 0; i < 4; i++) {
					writers.execute(() -> write(pool, running, writes, failures, errors));
				}
				await().atMost(java.time.Duration.ofSeconds(30)).until(() -> writes.get() > 100);
				assertThat(serials()).containsOnly(firstSerial);
				HealthIndicator health = context.getBean("dbPoolHealthContributor", HealthIndicator.class);
				assertThat(health.health().getStatus()).isEqualTo(Status.UP);
				assertThat(serials("tls-rotation (dbPool health)")).containsOnly(firstSerial);
				String secondSerial = server.issueClient("rotating", "ca");
				await().atMost(java.time.Duration.ofSeconds(60))
					.untilAsserted(() -> assertThat(serials()).hasSize(4).containsOnly(secondSerial));
				long afterRotation = writes.get();
				await().atMost(java.time.Duration.ofSeconds(30)).until(() -> writes.get() > afterRotation + 100);
				running.set(false);
				writers.shutdown();
				assertThat(writers.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
				assertThat(failures.get()).as(errors.toString()).isZero();
				await().atMost(java.time.Duration.ofSeconds(30)).untilAsserted(() -> {
					assertThat(health.health().getStatus()).isEqualTo(Status.UP);
					assertThat(serials("tls-rotation (dbPool health)")).as("the probe follows the pool's material")
						.containsOnly(secondSerial);
				});
				assertThat(output).contains("SSL bundle 'rotating' was reloaded")
					.contains("replaced one at a time, one every 1000ms, within db.pool.ssl.rotation-window 4s");
				await().atMost(java.time.Duration.ofSeconds(30))
					.untilAsserted(() -> assertThat(output)
						.contains("the 4 connection(s) open at the reload of SSL bundle 'rotating' were replaced in "));
			});
	}

	private static void write(DataSource pool, AtomicBoolean running, AtomicLong writes, AtomicInteger failures,
			List<String> errors) {
		while (running.get()) {
			try (Connection connection = pool.getConnection();
					PreparedStatement insert = connection.prepareStatement("INSERT INTO tls_rotation VALUES (?)")) {
				insert.setLong(1, writes.incrementAndGet());
				insert.executeUpdate();
			}
			catch (SQLException ex) {
				failures.incrementAndGet();
				errors.add(ex.toString());
			}
		}
	}

	/**
	 * The client certificate serials of the pool's own sessions, side connections left out.
	 */
	private static List<String> serials() throws SQLException {
		return serials("tls-rotation");
	}

	/**
	 * The client certificate serials of the sessions with this application name.
	 */
	private static List<String> serials(String applicationName) throws SQLException {
		List<String> serials = new ArrayList<>();
		try (Connection connection = server.connect();
				PreparedStatement statement = connection.prepareStatement("SELECT s.client_serial FROM pg_stat_ssl s "
						+ "JOIN pg_stat_activity a USING (pid) WHERE a.application_name = ?")) {
			statement.setString(1, applicationName);
			try (ResultSet rows = statement.executeQuery()) {
				while (rows.next()) {
					serials.add(rows.getString(1));
				}
			}
		}
		return serials;
	}

	private static String[] bundle(String name, String authority, String client) {
		List<String> properties = new ArrayList<>(List.of(
				"spring.ssl.bundle.pem." + name + ".truststore.certificate=file:" + server.file(authority + ".crt")));
		if (client != null) {
			properties.add("spring.ssl.bundle.pem." + name + ".keystore.certificate=file:" + server.file(client + ".crt"));
			properties.add("spring.ssl.bundle.pem." + name + ".keystore.private-key=file:" + server.file(client + ".key"));
		}
		return properties.toArray(String[]::new);
	}

	private static int port() {
		String url = server.url("localhost");
		return Integer.parseInt(url.substring(url.lastIndexOf(':') + 1, url.lastIndexOf('/')));
	}

	private static String failure(AssertableApplicationContext context) {
		assertThat(context).hasFailed();
		for (Throwable cause = context.getStartupFailure(); cause != null; cause = cause.getCause()) {
			if (cause instanceof PoolConfigurationException configuration) {
				String explained = configuration.getMessage() + " Fix: " + configuration.getViolations()
					.stream()
					.map(dev.poolwise.validation.Violation::fix)
					.collect(java.util.stream.Collectors.joining(" "));
				assertThat(explained).doesNotContain("PRIVATE").doesNotContain(PostgresServer.PASSWORD);
				return explained;
			}
		}
		throw new AssertionError("Not a PoolConfigurationException", context.getStartupFailure());
	}

	private static DatabaseUnavailableException unavailable(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof DatabaseUnavailableException unavailable) {
				return unavailable;
			}
		}
		throw new AssertionError("Not a DatabaseUnavailableException", failure);
	}

}
