package dev.poolwise.pool;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
		try (HikariDataSource pool = pool("resize-lent", 2, 8)) {
			List<Connection> lent = lendAll(pool);
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
		try (HikariDataSource pool = pool("resize-patient", 3, 8)) {
			List<Connection> lent = lendAll(pool);
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
	void aRaisedMaximumOpensConnectionsForTheCallersAlreadyWaitingWithoutWaitingForMoreCallers() throws Exception {
		// size 0: Hikari's housekeeper fills a pool up to its size only, so it opens none of them either
		try (HikariDataSource pool = pool("resize-raised", 0, 8)) {
			pool.setConnectionTimeout(20_000);
			pool.getConnection().close();
			PoolResize.maximum(pool, 2);
			List<Connection> lent = lendAll(pool);
			// a thread each: the common pool may run fewer at once on a small machine
			ExecutorService callers = Executors.newFixedThreadPool(6, (task) -> {
				Thread thread = new Thread(task, "resize-raised-caller");
				thread.setDaemon(true);
				return thread;
			});
			List<CompletableFuture<Connection>> waiting = new ArrayList<>();
			for (int i = 0; i < 6; i++) {
				waiting.add(CompletableFuture.supplyAsync(() -> {
					try {
						return pool.getConnection();
					}
					catch (SQLException ex) {
						throw new IllegalStateException(ex);
					}
				}, callers));
			}
			await().atMost(Duration.ofSeconds(5))
				.until(() -> pool.getHikariPoolMXBean().getThreadsAwaitingConnection() == 6);
			PoolResize.maximum(pool, 8);
			// no connection comes back and no caller comes: only the raise can open them
			CompletableFuture.allOf(waiting.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
			assertThat(pool.getHikariPoolMXBean().getTotalConnections()).isEqualTo(8);
			for (CompletableFuture<Connection> borrowed : waiting) {
				borrowed.get().close();
			}
			for (Connection connection : lent) {
				connection.close();
			}
			callers.shutdown();
		}
	}

	@Test
	void anInterruptedRetirementStopsAtOnceInsteadOfWaitingOutItsPatience() throws Exception {
		try (HikariDataSource pool = pool("resize-interrupted", 1, 4)) {
			List<Connection> lent = lendAll(pool);
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

	private static HikariDataSource pool(String name, int size, int max) {
		HikariDataSource pool = PostgresServer.unstartedPool();
		pool.setPoolName(name);
		pool.setMinimumIdle(size);
		pool.setMaximumPoolSize(max);
		pool.addDataSourceProperty("ApplicationName", name);
		return pool;
	}

	private static List<Connection> lendAll(HikariDataSource pool) throws SQLException {
		List<Connection> lent = new ArrayList<>();
		for (int i = 0; i < pool.getMaximumPoolSize(); i++) {
			lent.add(pool.getConnection());
		}
		return lent;
	}

}
