package dev.poolwise.autosize;

import java.sql.Connection;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import dev.poolwise.holders.HolderTracking;
import dev.poolwise.login.LoginFailures;
import dev.poolwise.pool.PoolResize;
import dev.poolwise.pool.PoolSettings;
import dev.poolwise.pool.PoolStatistics;
import dev.poolwise.test.Load;
import dev.poolwise.test.PostgresServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One pool's autosizer on a real server, built directly and ticked by the test.
 */
class PoolAutosizerTests {

	private static final Duration AT_MOST = Duration.ofSeconds(30);

	private static final PoolSettings.Autosize DEFAULTS = new PoolSettings.Autosize(true, Duration.ofSeconds(1), 2,
			0.3, Duration.ofMillis(2), Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofMinutes(5));

	@Test
	void aManualResizeArrivingWhileATickDecidesWaitsForThatTickAndThenWinsForThePause() throws Exception {
		try (HikariDataSource pool = startedPool()) {
			PoolAutosizer autosizer = new PoolAutosizer(pool, "dataSource", 12, DEFAULTS, null, 1,
					new SimpleMeterRegistry(), new LoginFailures());
			CountDownLatch deciding = new CountDownLatch(1);
			CountDownLatch decided = new CountDownLatch(1);
			Thread tick = new Thread(() -> {
				// a tick holds the autosizer's lock from measuring the pool to applying its decision
				synchronized (autosizer) {
					deciding.countDown();
					awaitQuietly(decided);
					PoolResize.maximum(pool, 11);
				}
			});
			tick.start();
			deciding.await();
			AtomicReference<String> answer = new AtomicReference<>();
			AtomicReference<String> modeWhenApplied = new AtomicReference<>();
			Thread resize = new Thread(() -> answer.set(autosizer.pause(5, () -> {
				modeWhenApplied.set(autosizer.state().mode());
				PoolResize.apply(pool, 3, 5);
			})));
			resize.start();
			await().atMost(AT_MOST).until(() -> resize.getState() == Thread.State.BLOCKED);
			decided.countDown();
			tick.join();
			resize.join();
			assertThat(answer.get()).startsWith("Autosize paused for 5m (until ")
				.endsWith("then moves the maximum between size 3 and 5.");
			assertThat(modeWhenApplied.get()).as("paused before the resize is applied").isEqualTo("PAUSED");
			assertThat(pool.getMaximumPoolSize()).isEqualTo(5);
			assertThat(pool.getMinimumIdle()).isEqualTo(3);
			try (Load load = Load.start(pool, 12, "SELECT pg_sleep(0.01)")) {
				await().atMost(AT_MOST).until(() -> PoolStatistics.of(pool).pending() > 0);
				for (int i = 0; i < 3; i++) {
					autosizer.tick();
				}
			}
			assertThat(pool.getMaximumPoolSize()).isEqualTo(5);
			assertThat(autosizer.state().mode()).isEqualTo("PAUSED");
			assertThat(autosizer.state().ceiling()).isEqualTo(5);
		}
	}

	private static HikariDataSource startedPool() throws Exception {
		HikariDataSource pool = PostgresServer.unstartedPool();
		pool.setMinimumIdle(2);
		pool.setMaximumPoolSize(12);
		HolderTracking.install(pool);
		try (Connection connection = pool.getConnection()) {
			assertThat(connection.isValid(1)).isTrue();
		}
		return pool;
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
