package dev.poolwise.drain;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;

import com.example.orders.OrderService;
import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.support.GenericApplicationContext;

import dev.poolwise.holders.HolderTracking;
import dev.poolwise.test.PostgresServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link PoolDrainLifecycle} against the shared server: its stop waits for borrowed connections, at most its
 * timeout, and names what is left; its destruction, after the beans that use the pool, closes the pool,
 * whose sessions then leave the server.
 */
@ExtendWith(OutputCaptureExtension.class)
class PoolDrainLifecycleTests {

	@Test
	void stopWaitsForTheBorrowedConnectionAndLeavesThePoolOpenUntilDestruction() throws Exception {
		try (HikariDataSource pool = pool("drain-wait")) {
			CountDownLatch borrowed = new CountDownLatch(1);
			CompletableFuture<Void> request = hold(pool, borrowed, 0.5);
			borrowed.await();
			PoolDrainLifecycle drain = closing(() -> Map.of("drain-wait", pool), Duration.ofSeconds(10));
			long start = System.nanoTime();
			drain.stop();
			Duration drained = Duration.ofNanos(System.nanoTime() - start);
			assertThat(request).succeedsWithin(Duration.ofSeconds(1));
			assertThat(drained).isBetween(Duration.ofMillis(300), Duration.ofSeconds(2));
			assertThat(pool.isClosed()).isFalse();
			assertThat(drain.isRunning()).isFalse();
			drain.destroy();
			assertThat(pool.isClosed()).isTrue();
			await().atMost(Duration.ofSeconds(2)).until(() -> PostgresServer.sessions("drain-wait") == 0);
		}
	}

	@Test
	void connectionStillBorrowedAtTheDeadlineIsLoggedWithItsThreadAndAgeAndAborted(CapturedOutput output)
			throws Exception {
		try (HikariDataSource pool = pool("drain-deadline")) {
			CountDownLatch borrowed = new CountDownLatch(1);
			CompletableFuture<Void> request = hold(pool, borrowed, 60);
			borrowed.await();
			PoolDrainLifecycle drain = closing(() -> Map.of("drain-deadline", pool), Duration.ofMillis(500));
			long start = System.nanoTime();
			drain.stop();
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
			drain.destroy();
			assertThat(request).failsWithin(Duration.ofSeconds(5));
			assertThat(output).contains("Pool 'drain-deadline': connections still borrowed after")
				.contains("(spring.lifecycle.timeout-per-shutdown-phase=PT0.5S): 1; closing the pool anyway")
				.contains("threads in a JDBC call: drain-holder")
				.containsPattern("borrowed <= \\d{3,4} ms ago");
			await().atMost(Duration.ofSeconds(5)).until(() -> PostgresServer.sessions("drain-deadline") == 0);
		}
	}

	@Test
	void connectionStillBorrowedFromATrackedPoolIsLoggedWithItsHolder(CapturedOutput output) throws Exception {
		try (HikariDataSource pool = PostgresServer.unstartedPool()) {
			pool.setPoolName("drain-tracked");
			pool.setMaximumPoolSize(1);
			HolderTracking.install(pool);
			CountDownLatch release = new CountDownLatch(1);
			CountDownLatch borrowed = new CountDownLatch(1);
			Thread holder = new Thread(() -> {
				try {
					new OrderService(pool, release).renderInvoice(borrowed);
				}
				catch (Exception ex) {
					// the drain closes the pool under it
				}
			}, "drain-tracked-holder");
			holder.start();
			borrowed.await();
			try {
				closing(() -> Map.of("drain-tracked", pool), Duration.ofMillis(300)).stop();
			}
			finally {
				release.countDown();
			}
			assertThat(output).contains("closing the pool anyway: held longest first: 1 of 1 held from "
					+ "`OrderService.renderInvoice`")
				.containsPattern("\\(thread drain-tracked-holder pid \\d+\\)");
		}
	}

	@Test
	void poolThatNeverStartedIsClosed() {
		try (HikariDataSource pool = PostgresServer.unstartedPool()) {
			PoolDrainLifecycle drain = closing(() -> Map.of("unstarted", pool), Duration.ofSeconds(1));
			drain.stop();
			drain.destroy();
			assertThat(pool.isClosed()).isTrue();
		}
	}

	@Test
	void contextThatIsOnlyStoppedKeepsItsPools() throws Exception {
		try (HikariDataSource pool = pool("drain-stop")) {
			PoolDrainLifecycle drain = new PoolDrainLifecycle(() -> Map.of("drain-stop", pool), Duration.ofSeconds(1),
					new GenericApplicationContext());
			drain.start();
			drain.stop();
			assertThat(pool.isClosed()).isFalse();
			assertThat(drain.isRunning()).isFalse();
		}
	}

	@Test
	void closeOfAnotherContextDoesNotCount() {
		try (HikariDataSource pool = PostgresServer.unstartedPool()) {
			PoolDrainLifecycle drain = new PoolDrainLifecycle(() -> Map.of("parent", pool), Duration.ofSeconds(1),
					new GenericApplicationContext());
			drain.onApplicationEvent(new ContextClosedEvent(new GenericApplicationContext()));
			drain.stop();
			assertThat(pool.isClosed()).isFalse();
		}
	}

	/**
	 * The drain as its context's close finds it: started, and told that the context is closing.
	 */
	private static PoolDrainLifecycle closing(Supplier<Map<String, HikariDataSource>> pools, Duration timeout) {
		GenericApplicationContext context = new GenericApplicationContext();
		PoolDrainLifecycle drain = new PoolDrainLifecycle(pools, timeout, context);
		drain.start();
		drain.onApplicationEvent(new ContextClosedEvent(context));
		return drain;
	}

	private static HikariDataSource pool(String name) throws SQLException {
		HikariDataSource pool = PostgresServer.unstartedPool();
		// The server notices a client gone in the middle of a query within this interval, not at its end.
		pool.addDataSourceProperty("options", "-c client_connection_check_interval=200");
		pool.setPoolName(name);
		pool.setMinimumIdle(2);
		pool.setMaximumPoolSize(2);
		pool.addDataSourceProperty("ApplicationName", name);
		pool.getConnection().close();
		return pool;
	}

	/**
	 * A request on its own thread that borrows a connection and runs {@code pg_sleep} on it.
	 */
	private static CompletableFuture<Void> hold(HikariDataSource pool, CountDownLatch borrowed, double seconds) {
		CompletableFuture<Void> result = new CompletableFuture<>();
		Thread thread = new Thread(() -> {
			try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
				borrowed.countDown();
				statement.execute("SELECT pg_sleep(" + seconds + ")");
				result.complete(null);
			}
			catch (SQLException ex) {
				result.completeExceptionally(ex);
			}
		}, "drain-holder");
		thread.start();
		return result;
	}

}
