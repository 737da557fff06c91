package dev.poolwise.pool;

import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;

import dev.poolwise.test.PostgresServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A lowered maximum on a real pool whose connections are all lent.
 */
class PoolResizeTests {

	@Test
	void lentConnectionsAboveALoweredMaximumCloseWhenTheyComeBackInsteadOfServingAgain() throws Exception {
		try (HikariDataSource pool = PostgresServer.unstartedPool()) {
			pool.setPoolName("resize-lent");
			pool.setMinimumIdle(2);
			pool.setMaximumPoolSize(8);
			pool.addDataSourceProperty("ApplicationName", "resize-lent");
			List<Connection> lent = new ArrayList<>();
			for (int i = 0; i < 8; i++) {
				lent.add(pool.getConnection());
			}
			PoolResize.maximum(pool, 3);
			assertThat(pool.getHikariPoolMXBean().getTotalConnections()).isEqualTo(8);
			for (Connection connection : lent) {
				connection.close();
			}
			// a borrow meets the marked connections first and closes them
			pool.getConnection().close();
			await().atMost(Duration.ofSeconds(5)).until(() -> pool.getHikariPoolMXBean().getTotalConnections() == 3
					&& PostgresServer.sessions("resize-lent") == 3);
		}
	}

	@Test
	void aPatientRetirementAfterTheMarksClosesNoMoreThanTheSurplusSoThePoolKeepsItsMaximum() throws Exception {
		try (HikariDataSource pool = PostgresServer.unstartedPool()) {
			pool.setPoolName("resize-patient");
			pool.setMinimumIdle(3);
			pool.setMaximumPoolSize(8);
			pool.addDataSourceProperty("ApplicationName", "resize-patient");
			List<Connection> lent = new ArrayList<>();
			for (int i = 0; i < 8; i++) {
				lent.add(pool.getConnection());
			}
			PoolResize.maximum(pool, 3);
			CompletableFuture<Integer> retiring = CompletableFuture
				.supplyAsync(() -> PoolResize.retireSurplus(pool, Duration.ofSeconds(3)));
			await().atMost(Duration.ofSeconds(5))
				.until(() -> retiring.isDone() || pool.getHikariPoolMXBean().getThreadsAwaitingConnection() > 0);
			for (int i = lent.size() - 1; i >= 0; i--) {
				lent.get(i).close();
			}
			assertThat(retiring.get(10, TimeUnit.SECONDS)).isZero();
			pool.getConnection().close();
			await().atMost(Duration.ofSeconds(5)).until(() -> pool.getHikariPoolMXBean().getTotalConnections() == 3
					&& PostgresServer.sessions("resize-patient") == 3);
		}
	}

	@Test
	void anInterruptedRetirementStopsAtOnceInsteadOfWaitingOutItsPatience() throws Exception {
		try (HikariDataSource pool = PostgresServer.unstartedPool()) {
			pool.setPoolName("resize-interrupted");
			pool.setMinimumIdle(1);
			pool.setMaximumPoolSize(4);
			List<Connection> lent = new ArrayList<>();
			for (int i = 0; i < 4; i++) {
				lent.add(pool.getConnection());
			}
			pool.getHikariConfigMXBean().setMaximumPoolSize(1);
			Thread.currentThread().interrupt();
			long start = System.nanoTime();
			try {
				PoolResize.retireSurplus(pool, Duration.ofSeconds(30));
			}
			finally {
				assertThat(Thread.interrupted()).isTrue();
			}
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
			for (Connection connection : lent) {
				connection.close();
			}
		}
	}

}
