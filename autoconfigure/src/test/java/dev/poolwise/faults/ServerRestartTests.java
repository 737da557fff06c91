package dev.poolwise.faults;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.poolwise.autoconfigure.PoolwiseAutoConfiguration;
import dev.poolwise.autoconfigure.health.PoolHealthContributorAutoConfiguration;
import dev.poolwise.test.Call;
import dev.poolwise.test.Pools;
import dev.poolwise.test.PostgresServer;
import dev.poolwise.test.Sessions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A real PostgreSQL restart, on a server of its own: {@code pg_ctl stop -m fast} ends every session, the
 * port refuses connections until {@code pg_ctl start} brings the same data directory back on the same
 * port. Callers fail within {@code timeout} during the outage and the pool refills by itself afterwards.
 */
class ServerRestartTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(1);

	private static final Duration MARGIN = Duration.ofSeconds(1);

	@TempDir
	static Path dataDirectory;

	private static EmbeddedPostgres server;

	private static int port;

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, PoolwiseAutoConfiguration.class,
				PoolHealthContributorAutoConfiguration.class))
		.withPropertyValues("spring.datasource.url=" + url(), "spring.datasource.username=postgres",
				"spring.datasource.password=" + PostgresServer.PASSWORD, "db.pool.size=2", "db.pool.overflow=0",
				"db.pool.timeout=" + TIMEOUT.toMillis() + "ms", "db.pool.application-name=faults-restart");

	@BeforeAll
	static void startServer() throws IOException {
		server = start(0);
		port = server.getPort();
	}

	@AfterAll
	static void stopServer() throws IOException {
		server.close();
	}

	@Test
	void callersDuringARestartFailWithinTheTimeoutHealthGoesDownThenUpAndThePoolRefills() {
		Sessions sessions = new Sessions(() -> DriverManager.getConnection(url(), "postgres", PostgresServer.PASSWORD),
				"faults-restart");
		this.contextRunner.run((context) -> {
			HikariDataSource pool = Pools.warm(context.getBean(HikariDataSource.class), sessions);
			HealthIndicator health = context.getBean("dbPoolHealthContributor", HealthIndicator.class);
			assertThat(health.health().getStatus()).isEqualTo(Status.UP);
			server.close();
			await().atMost(Duration.ofSeconds(3)).until(() -> health.health().getStatus().equals(Status.DOWN));
			for (int i = 0; i < 3; i++) {
				Call call = Call.execute(pool, "SELECT 1");
				assertThat(call.failure()).isInstanceOf(SQLTransientConnectionException.class)
					.hasMessageContaining("request timed out after")
					.cause()
					.hasMessageContaining("localhost:" + port + " refused");
				assertThat(call.elapsed()).isLessThanOrEqualTo(TIMEOUT.plus(MARGIN));
			}
			server = start(port);
			Duration recovery = Pools.awaitFirstSuccess(pool, Duration.ofSeconds(15));
			assertThat(recovery).isLessThanOrEqualTo(Pools.HIKARI_MAX_BACKOFF.plus(TIMEOUT).plus(MARGIN));
			Pools.awaitFull(pool, sessions);
			await().atMost(Duration.ofSeconds(10)).until(() -> health.health().getStatus().equals(Status.UP));
		});
	}

	private static EmbeddedPostgres start(int port) throws IOException {
		EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
			.setDataDirectory(dataDirectory)
			.setCleanDataDirectory(false);
		return (port != 0) ? builder.setPort(port).start() : builder.start();
	}

	private static String url() {
		return "jdbc:postgresql://localhost:" + port + "/postgres";
	}

}
