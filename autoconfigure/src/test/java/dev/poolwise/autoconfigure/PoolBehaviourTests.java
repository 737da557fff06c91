package dev.poolwise.autoconfigure;

import java.lang.reflect.Field;
import java.net.Socket;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.zaxxer.hikari.HikariDataSource;
import jdk.net.ExtendedSocketOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.core.PGStream;
import org.postgresql.core.QueryExecutorBase;
import org.postgresql.jdbc.PgConnection;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.poolwise.test.PostgresServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What the tuned pool does at run time against a real server.
 */
@ExtendWith(OutputCaptureExtension.class)
class PoolBehaviourTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, PoolwiseAutoConfiguration.class))
		.withPropertyValues(PostgresServer.datasourceProperties());

	@Test
	void overflowConnectionsAreRetiredAfterIdleTimeout() {
		this.contextRunner.withPropertyValues("db.pool.size=1", "db.pool.overflow=3", "db.pool.idle-timeout=10s")
			.run((context) -> {
				HikariDataSource pool = context.getBean(HikariDataSource.class);
				List<Connection> held = new ArrayList<>();
				for (int i = 0; i < 4; i++) {
					held.add(pool.getConnection());
				}
				assertThat(pool.getHikariPoolMXBean().getTotalConnections()).isEqualTo(4);
				for (Connection connection : held) {
					connection.close();
				}
				await().atMost(Duration.ofSeconds(30))
					.until(() -> pool.getHikariPoolMXBean().getTotalConnections() == 1);
				assertThat(pool.getHikariPoolMXBean().getIdleConnections()).isEqualTo(1);
			});
	}

	@Test
	void tcpKeepaliveTimingIsSetOnThePoolsSockets() {
		this.contextRunner
			.withPropertyValues("db.pool.tcp-keepalive.idle=75s", "db.pool.tcp-keepalive.interval=15s",
					"db.pool.tcp-keepalive.count=4")
			.run((context) -> {
				try (Connection connection = context.getBean(HikariDataSource.class).getConnection()) {
					Socket socket = socketOf(connection);
					assertThat(socket.getKeepAlive()).isTrue();
					assertThat(socket.getOption(ExtendedSocketOptions.TCP_KEEPIDLE)).isEqualTo(75);
					assertThat(socket.getOption(ExtendedSocketOptions.TCP_KEEPINTERVAL)).isEqualTo(15);
					assertThat(socket.getOption(ExtendedSocketOptions.TCP_KEEPCOUNT)).isEqualTo(4);
				}
			});
	}

	@Test
	void tcpKeepaliveCanBeTurnedOff() {
		this.contextRunner.withPropertyValues("db.pool.tcp-keepalive.enabled=false").run((context) -> {
			try (Connection connection = context.getBean(HikariDataSource.class).getConnection()) {
				assertThat(socketOf(connection).getKeepAlive()).isFalse();
			}
		});
	}

	@Test
	void aPoolOverTheConnectionBudgetIsReportedWithASuggestedSize(CapturedOutput output) {
		this.contextRunner.withPropertyValues("db.pool.instances=50").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(output).contains("connection budget exceeded: 50 instance(s) x 20 connections = 1000")
				.contains("max_connections=300")
				.contains("Keep size + overflow of 'dataSource' at or below");
		});
	}

	@Test
	void anEnforcedConnectionBudgetFailsStartup() {
		this.contextRunner.withPropertyValues("db.pool.instances=50", "db.pool.budget.enforce=true")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("connection budget exceeded"));
	}

	@Test
	void thePasswordAppearsNowhereInOutputOrErrors(CapturedOutput output) {
		String urlWithSecrets = PostgresServer.jdbcUrl() + "&password=" + PostgresServer.PASSWORD + "&sslpassword="
				+ PostgresServer.PASSWORD;
		this.contextRunner.withPropertyValues("spring.datasource.url=" + urlWithSecrets, "db.pool.instances=50")
			.run((context) -> assertThat(context).hasNotFailed());
		this.contextRunner.withPropertyValues("spring.datasource.url=" + urlWithSecrets, "db.pool.recycle=1s",
				"db.pool.session.settings.work-mem=lots")
			.run((context) -> {
				assertThat(context).hasFailed();
				for (Throwable ex = context.getStartupFailure(); ex != null; ex = ex.getCause()) {
					assertThat(String.valueOf(ex.getMessage())).doesNotContain(PostgresServer.PASSWORD);
				}
			});
		assertThat(output).contains("Poolwise tuned pool").doesNotContain(PostgresServer.PASSWORD);
	}

	private static Socket socketOf(Connection connection) throws SQLException, ReflectiveOperationException {
		QueryExecutorBase executor = (QueryExecutorBase) connection.unwrap(PgConnection.class).getQueryExecutor();
		Field stream = QueryExecutorBase.class.getDeclaredField("pgStream");
		stream.setAccessible(true);
		return ((PGStream) stream.get(executor)).getSocket();
	}

}
