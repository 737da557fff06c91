package dev.poolwise.pool;

import java.time.Duration;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.poolwise.autoconfigure.PoolwiseAutoConfiguration;
import dev.poolwise.test.PostgresServer;
import dev.poolwise.test.VirtualThreads;
import dev.poolwise.test.WaitingLineLoad;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The case: 300 virtual threads on a pool of 5, a 5 ms query each, a 2 s timeout, over and over. Runs
 * on JDK 21 and later (the build excludes {@code VirtualThread*Tests} before that, and says so).
 */
class VirtualThreadFairQueueTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(2);

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, PoolwiseAutoConfiguration.class))
		.withPropertyValues(PostgresServer.datasourceProperties())
		.withPropertyValues("db.pool.size=5", "db.pool.overflow=0", "db.pool.timeout=2s");

	@Test
	void noVirtualThreadTimesOutWhileALaterOneIsServedOrWhileConnectionsAreIdle() {
		this.contextRunner.run((context) -> {
			WaitingLineLoad load = WaitingLineLoad.run(context.getBean(DataSource.class), 300,
					"SELECT pg_sleep(0.005)", TIMEOUT, Duration.ofSeconds(5), VirtualThreads::start);
			System.out.println("Fair queue, 300 virtual threads on a pool of 5: " + load.describe());
			assertThat(load.overtaken()).isZero();
			assertThat(load.timeoutsWithIdleConnections()).isZero();
		});
	}

}
