package dev.poolwise.faults;

import java.time.Duration;
import java.util.List;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.poolwise.autoconfigure.PoolwiseAutoConfiguration;
import dev.poolwise.test.Call;
import dev.poolwise.test.PostgresServer;
import dev.poolwise.test.VirtualThreads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Virtual threads (JDK 21+) against a small pool. The build runs this class only on JDK 21 and later (see the
 * {@code jdk-before-21} profile of the autoconfigure pom), so CI runs it on JDK 25 and never reports it skipped.
 */
class VirtualThreadFaultTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(1);

	private static final Duration MARGIN = Duration.ofSeconds(1);

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, PoolwiseAutoConfiguration.class))
		.withPropertyValues(PostgresServer.datasourceProperties())
		.withPropertyValues("db.pool.timeout=" + TIMEOUT.toMillis() + "ms", "db.pool.size=4", "db.pool.overflow=0");

	@Test
	void aThousandVirtualThreadsOnFourConnectionsSucceedOrTimeOutWithoutDeadlock() {
		assumeTrue(VirtualThreads.available(), "virtual threads need JDK 21 or later");
		this.contextRunner.run((context) -> {
			HikariDataSource pool = context.getBean(HikariDataSource.class);
			List<Call> calls = ConcurrentCalls.start(1000, VirtualThreads::start,
					() -> Call.execute(pool, "SELECT pg_sleep(0.01)"));
			ConcurrentCalls.assertWithinTimeout(calls, TIMEOUT.plus(MARGIN), Duration.ofMillis(10));
			assertThat(calls).filteredOn(Call::succeeded).hasSizeGreaterThan(100);
			HikariPoolMXBean bean = pool.getHikariPoolMXBean();
			await().atMost(Duration.ofSeconds(5)).until(() -> bean.getIdleConnections() == 4);
			assertThat(bean.getThreadsAwaitingConnection()).isZero();
			assertThat(Call.execute(pool, "SELECT 1").succeeded()).isTrue();
		});
	}

}
