package dev.poolwise.holders;

import java.sql.Connection;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import com.example.orders.OrderService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.poolwise.autoconfigure.PoolwiseAutoConfiguration;
import dev.poolwise.autoconfigure.endpoint.DbPoolEndpointAutoConfiguration;
import dev.poolwise.endpoint.DbPoolEndpoint;
import dev.poolwise.endpoint.HolderDescriptor;
import dev.poolwise.test.PostgresServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * A pool of three runs dry against the shared server, held by application code in each way a pool is held:
 * a long query, a transaction left idle, a connection kept outside a transaction.
 */
@ExtendWith(OutputCaptureExtension.class)
class PoolRunsDryTests {

	private static final String APPLICATION = "holders-app";

	static final Pattern RAN_DRY = Pattern.compile("Pool 'dataSource' ran dry");

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, PoolwiseAutoConfiguration.class,
				DbPoolEndpointAutoConfiguration.class))
		.withPropertyValues(PostgresServer.datasourceProperties())
		.withPropertyValues("db.pool.size=3", "db.pool.overflow=0", "db.pool.timeout=500ms",
				"spring.application.name=" + APPLICATION, "management.endpoints.web.exposure.include=dbpool");

	@Test
	void firstTimeoutLogsTheHoldersOnceByMethodWithTheirBackendsAndTheEndCountsTheTimeouts(CapturedOutput output) {
		this.contextRunner.run((context) -> {
			DataSource dataSource = context.getBean(DataSource.class);
			CountDownLatch release = new CountDownLatch(1);
			OrderService orders = new OrderService(dataSource, release);
			ExecutorService workers = workers();
			try {
				CountDownLatch borrowed = new CountDownLatch(3);
				List<CompletableFuture<Void>> holds = holdInEachWay(orders, borrowed, workers);
				assertThat(borrowed.await(10, TimeUnit.SECONDS)).isTrue();
				awaitSleeping();
				assertThatExceptionOfType(SQLTransientConnectionException.class).isThrownBy(dataSource::getConnection)
					.withMessageContaining("Connection is not available, request timed out after");
				long timedOut = System.nanoTime();
				await().atMost(Duration.ofSeconds(5))
					.pollInterval(Duration.ofMillis(10))
					.until(() -> count(output, RAN_DRY) == 1);
				System.out.println("Dry pool reported " + Duration.ofNanos(System.nanoTime() - timedOut).toMillis()
						+ " ms after the borrow timed out");
				String warn = line(output, "ran dry");
				assertThat(warn).contains("WARN")
					.contains("with 3 of 3 connections lent")
					.containsPattern("1 of 3 held from `OrderService.exportOrders`, [\\d.]+ s: running a query for "
							+ "[\\d.]+ s, waiting on Timeout:PgSleep \\(thread order-worker-\\d pid \\d+\\)")
					.containsPattern("1 of 3 held from `OrderService.sendConfirmation`, [\\d.]+ s: idle in transaction "
							+ "for [\\d.]+ s \\(thread order-worker-\\d pid \\d+\\)")
					.containsPattern("1 of 3 held from `OrderService.renderInvoice`, [\\d.]+ s: idle outside a "
							+ "transaction for [\\d.]+ s \\(thread order-worker-\\d pid \\d+\\)")
					.contains("More connections do not help holders idle in a transaction")
					.doesNotContain("pg_sleep");
				assertThatExceptionOfType(SQLTransientConnectionException.class).isThrownBy(dataSource::getConnection)
					.withMessageStartingWith("dataSource - Connection is not available, request timed out after")
					.withMessageContaining(warn.substring(warn.indexOf("Held longest first: "),
							warn.indexOf(". Said once")));
				await().during(Duration.ofMillis(700))
					.atMost(Duration.ofSeconds(2))
					.until(() -> count(output, RAN_DRY) == 1);
				release.countDown();
				cancelSleeps();
				CompletableFuture.allOf(holds.toArray(CompletableFuture[]::new))
					.exceptionally((ex) -> null)
					.get(10, TimeUnit.SECONDS);
				await().atMost(Duration.ofSeconds(5))
					.untilAsserted(() -> assertThat(output.getOut())
						.contains("Pool 'dataSource' has nobody waiting again: 2 borrows timed out in the"));
			}
			finally {
				release.countDown();
				cancelSleeps();
				workers.shutdownNow();
			}
		});
	}

	@Test
	void endpointListsTheHoldersWithTheirBackendsAndNoStacksUnlessValuesMayBeShown() {
		this.contextRunner.run((context) -> {
			DataSource dataSource = context.getBean(DataSource.class);
			CountDownLatch release = new CountDownLatch(1);
			ExecutorService workers = workers();
			try {
				CountDownLatch borrowed = new CountDownLatch(3);
				holdInEachWay(new OrderService(dataSource, release), borrowed, workers);
				assertThat(borrowed.await(10, TimeUnit.SECONDS)).isTrue();
				awaitSleeping();
				List<HolderDescriptor> holders = context.getBean(DbPoolEndpoint.class)
					.pools()
					.pools()
					.get("dataSource")
					.holders();
				assertThat(holders).hasSize(3).allSatisfy((holder) -> {
					assertThat(holder.thread()).startsWith("order-worker-");
					assertThat(holder.pid()).isNotNull();
					assertThat(holder.stack()).isNull();
				});
				assertThat(holders).extracting(HolderDescriptor::where)
					.containsExactlyInAnyOrder("OrderService.exportOrders", "OrderService.sendConfirmation",
							"OrderService.renderInvoice");
				assertThat(holders).filteredOn((holder) -> holder.where().equals("OrderService.exportOrders"))
					.singleElement()
					.satisfies((holder) -> {
						assertThat(holder.backend()).startsWith("running a query for");
						assertThat(holder.waitEvent()).isEqualTo("Timeout:PgSleep");
					});
				assertThat(holders).filteredOn((holder) -> holder.where().equals("OrderService.sendConfirmation"))
					.singleElement()
					.satisfies((holder) -> {
						assertThat(holder.backend()).startsWith("idle in transaction for");
						assertThat(holder.transactionSeconds()).isNotNull();
					});
				assertThat(holders).filteredOn((holder) -> holder.where().equals("OrderService.renderInvoice"))
					.singleElement()
					.satisfies((holder) -> assertThat(holder.backend()).startsWith("idle outside a transaction for"));
			}
			finally {
				release.countDown();
				cancelSleeps();
				workers.shutdownNow();
			}
		});
	}

	@Test
	void endpointShowsTheHoldersStacksWhereValuesMayBeShown() {
		this.contextRunner.withPropertyValues("management.endpoint.dbpool.show-values=always").run((context) -> {
			DataSource dataSource = context.getBean(DataSource.class);
			CountDownLatch release = new CountDownLatch(1);
			ExecutorService workers = workers();
			try {
				CountDownLatch borrowed = new CountDownLatch(1);
				OrderService orders = new OrderService(dataSource, release);
				CompletableFuture.runAsync(() -> run(() -> orders.renderInvoice(borrowed)), workers);
				assertThat(borrowed.await(10, TimeUnit.SECONDS)).isTrue();
				assertThat(context.getBean(DbPoolEndpoint.class).pools().pools().get("dataSource").holders())
					.singleElement()
					.satisfies((holder) -> assertThat(holder.stack())
						.anyMatch((frame) -> frame.contains("com.example.orders.OrderService.renderInvoice(")));
			}
			finally {
				release.countDown();
				workers.shutdownNow();
			}
		});
	}

	@Test
	void aHolderThatBorrowedAfterTheServerWasReadIsNotGivenThePreviousHoldersBackendState() {
		this.contextRunner.withPropertyValues("db.pool.size=1", "management.endpoint.dbpool.sample-ttl=10m")
			.run((context) -> {
				DataSource dataSource = context.getBean(DataSource.class);
				DbPoolEndpoint endpoint = context.getBean(DbPoolEndpoint.class);
				try (Connection first = dataSource.getConnection()) {
					first.setAutoCommit(false);
					try (Statement statement = first.createStatement()) {
						statement.execute("SELECT 1");
					}
					HolderDescriptor before = endpoint.pools().pools().get("dataSource").holders().get(0);
					assertThat(before.backend()).startsWith("idle in transaction for");
					assertThat(before.backendReadSecondsAgo()).isNotNull().isLessThanOrEqualTo(before.heldSeconds());
					first.rollback();
				}
				try (Connection second = dataSource.getConnection()) {
					await().atMost(Duration.ofSeconds(5))
						.until(() -> endpoint.pools().pools().get("dataSource").holders().get(0).heldSeconds() > 0.05);
					HolderDescriptor after = endpoint.pools().pools().get("dataSource").holders().get(0);
					assertThat(after.pid()).isNotNull();
					assertThat(after.backend()).isNull();
					assertThat(after.backendReadSecondsAgo()).isNull();
				}
			});
	}

	private static List<CompletableFuture<Void>> holdInEachWay(OrderService orders, CountDownLatch borrowed,
			ExecutorService workers) {
		List<CompletableFuture<Void>> holds = new ArrayList<>();
		holds.add(CompletableFuture.runAsync(() -> run(() -> orders.exportOrders(borrowed)), workers));
		holds.add(CompletableFuture.runAsync(() -> run(() -> orders.sendConfirmation(borrowed)), workers));
		holds.add(CompletableFuture.runAsync(() -> run(() -> orders.renderInvoice(borrowed)), workers));
		return holds;
	}

	private static ExecutorService workers() {
		AtomicInteger number = new AtomicInteger();
		return Executors.newFixedThreadPool(3, (task) -> new Thread(task, "order-worker-" + number.incrementAndGet()));
	}

	/**
	 * Until the long query's backend is in its sleep, so that its state is read as running.
	 */
	private static void awaitSleeping() {
		await().atMost(Duration.ofSeconds(5)).until(() -> sleeping("SELECT count(*) FROM pg_stat_activity "
				+ "WHERE application_name = '" + APPLICATION + "' AND wait_event = 'PgSleep'") == 1);
	}

	private static void cancelSleeps() throws Exception {
		sleeping("SELECT count(pg_cancel_backend(pid)) FROM pg_stat_activity WHERE application_name = '"
				+ APPLICATION + "' AND wait_event = 'PgSleep'");
	}

	private static int sleeping(String sql) throws Exception {
		try (Connection connection = PostgresServer.connect(); Statement statement = connection.createStatement()) {
			var rows = statement.executeQuery(sql);
			rows.next();
			return rows.getInt(1);
		}
	}

	static int count(CapturedOutput output, Pattern pattern) {
		Matcher matcher = pattern.matcher(output.getOut());
		int count = 0;
		while (matcher.find()) {
			count++;
		}
		return count;
	}

	static String line(CapturedOutput output, String containing) {
		return output.getOut().lines().filter((line) -> line.contains(containing)).findFirst().orElseThrow();
	}

	static void run(Work work) {
		try {
			work.run();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	@FunctionalInterface
	interface Work {

		void run() throws Exception;

	}

}
