package dev.poolwise.warmup;

import java.time.Duration;
import java.util.Map;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import dev.poolwise.pool.PoolStatistics;
import dev.poolwise.test.PostgresServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link PoolWarmupIndicator} against the shared server: out of service until the pool holds its size,
 * then up for good; never longer than its timeout.
 */
class PoolWarmupIndicatorTests {

	@Test
	void outOfServiceUntilThePoolHoldsItsSizeThenUpForGood() throws Exception {
		try (HikariDataSource pool = pool(5)) {
			PoolWarmupIndicator indicator = new PoolWarmupIndicator("warm", pool, Duration.ofMinutes(1));
			Health cold = indicator.health();
			assertThat(cold.getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
			assertThat(cold.getDetails()).containsEntry("open", 0).containsEntry("size", 5);
			pool.getConnection().close();
			await().atMost(Duration.ofSeconds(10)).until(() -> indicator.health().getStatus().equals(Status.UP));
			assertThat(indicator.health().getDetails()).containsKey("warmedUpMillis");
			pool.getHikariPoolMXBean().softEvictConnections();
			assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
		}
	}

	@Test
	void warmedUpMillisIsWhenThePoolFilledNotWhenReadinessWasFirstAsked() {
		try (HikariDataSource pool = pool(3)) {
			long created = System.nanoTime();
			PoolWarmupIndicator indicator = new PoolWarmupIndicator("warm-moment", pool, Duration.ofMinutes(1));
			new PoolWarmupStarter(Map.of("warm-moment", indicator)).start();
			await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5))
				.until(() -> PoolStatistics.of(pool).total() == 3);
			long filled = millisSince(created);
			await().pollDelay(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
				.until(() -> PoolStatistics.of(pool).total() == 3);
			Health warm = indicator.health();
			long asked = millisSince(created);
			assertThat(warm.getStatus()).isEqualTo(Status.UP);
			assertThat((Long) warm.getDetails().get("warmedUpMillis")).isLessThanOrEqualTo(filled + 200)
				.isLessThan(asked - 800);
		}
	}

	@Test
	void poolThatCannotFillStopsHoldingReadinessBackAfterTheTimeout() {
		try (HikariDataSource pool = pool(5)) {
			PoolWarmupIndicator indicator = new PoolWarmupIndicator("never-started", pool, Duration.ofMillis(200));
			assertThat(indicator.health().getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
			await().atMost(Duration.ofSeconds(2)).until(() -> indicator.health().getStatus().equals(Status.UP));
			assertThat(indicator.health().getDetails()).containsEntry("open", 0)
				.containsEntry("warmup", "timed out after 200 ms");
		}
	}

	private static long millisSince(long nanos) {
		return Duration.ofNanos(System.nanoTime() - nanos).toMillis();
	}

	private static HikariDataSource pool(int size) {
		HikariDataSource pool = PostgresServer.unstartedPool();
		pool.setMinimumIdle(size);
		pool.setMaximumPoolSize(size);
		return pool;
	}

}
