package dev.poolwise.failover;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import com.zaxxer.hikari.HikariPoolMXBean;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link PoolEviction} empties the pool once per quiet period, and not before the pool runs.
 */
class PoolEvictionTests {

	private final AtomicInteger softEvictions = new AtomicInteger();

	@Test
	void secondEvictionWithinTheQuietPeriodIsSkipped() {
		PoolEviction eviction = new PoolEviction("test", () -> new CountingPool(this.softEvictions),
				Duration.ofHours(1));
		assertThat(eviction.evict("25006")).isTrue();
		assertThat(eviction.evict("25006")).isFalse();
		assertThat(this.softEvictions).hasValue(1);
	}

	@Test
	void evictionsFurtherApartThanTheQuietPeriodBothHappen() {
		PoolEviction eviction = new PoolEviction("test", () -> new CountingPool(this.softEvictions), Duration.ZERO);
		assertThat(eviction.evict("08006")).isTrue();
		assertThat(eviction.evict("57P01")).isTrue();
		assertThat(this.softEvictions).hasValue(2);
	}

	@Test
	void poolThatHasNotStartedIsLeftAlone() {
		assertThat(new PoolEviction("test", () -> null, Duration.ZERO).evict("25006")).isFalse();
	}

	/**
	 * Hikari's management interface, counting what the eviction asks of it.
	 */
	private record CountingPool(AtomicInteger softEvictions) implements HikariPoolMXBean {

		@Override
		public void softEvictConnections() {
			this.softEvictions.incrementAndGet();
		}

		@Override
		public int getIdleConnections() {
			return 0;
		}

		@Override
		public int getActiveConnections() {
			return 0;
		}

		@Override
		public int getTotalConnections() {
			return 0;
		}

		@Override
		public int getThreadsAwaitingConnection() {
			return 0;
		}

		@Override
		public void suspendPool() {
		}

		@Override
		public void resumePool() {
		}

	}

}
