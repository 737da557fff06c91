package dev.poolwise.queue;

import java.time.Duration;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.poolwise.autoconfigure.PoolwiseAutoConfiguration;
import dev.poolwise.test.PostgresServer;
import dev.poolwise.test.WaitingLineLoad;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many platform threads borrow from a small pool against the shared server, each holding its connection for a
 * 5 ms query, over and over: far more callers than connections, each caller's turn well within the timeout.
 */
class FairQueueTests {

	private static final Duration TIMEOUT = Duration.ofMillis(500);

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, PoolwiseAutoConfiguration.class))
		.withPropertyValues(PostgresServer.datasourceProperties())
		.withPropertyValues("db.pool.size=4", "db.pool.overflow=0", "db.pool.timeout=" + TIMEOUT.toMillis() + "ms");

	@Test
	void noBorrowTimesOutWhileALaterOneIsServedOrWhileConnectionsAreIdle() {
		this.contextRunner.run((context) -> {
			WaitingLineLoad load = WaitingLineLoad.run(context.getBean(DataSource.class), 50,
					"SELECT pg_sleep(0.005)", TIMEOUT, Duration.ofSeconds(4), WaitingLineLoad::platform);
			System.out.println("Fair queue, 50 platform threads on a pool of 4: " + load.describe());
			load.failureMessages().forEach(System.out::println);
			assertThat(load.overtaken()).isZero();
			assertThat(load.timeoutsWithIdleConnections()).isZero();
		});
	}

}
