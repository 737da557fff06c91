package dev.poolwise.pool;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.poolwise.test.MetricsContexts;
import dev.poolwise.test.WaitingLineLoad;
import dev.poolwise.validation.PoolConfigurationException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Callers waiting for a small pool against the shared server: in the order they came, and no more than the
 * bound allows.
 */
@ExtendWith(OutputCaptureExtension.class)
class FairQueueTests {

	private static final Duration TIMEOUT = Duration.ofMillis(500);

	private final ApplicationContextRunner contextRunner = MetricsContexts.runner()
		.withPropertyValues("db.pool.size=4", "db.pool.overflow=0", "db.pool.timeout=" + TIMEOUT.toMillis() + "ms");

	/**
	 * 50 platform threads, each borrowing over and over for a 5 ms query: every caller's turn comes in about
	 * 80 ms. With Hikari's own hand-off, 21 and 40 borrows of about 2,200 timed out in two runs, every one
	 * while borrows that asked after it were served.
	 */
	@Test
	void noBorrowTimesOutWhileALaterOneIsServedOrWhileConnectionsAreIdle() {
		this.contextRunner.run((context) -> {
			WaitingLineLoad load = WaitingLineLoad.run(context.getBean(DataSource.class), 50,
					"SELECT pg_sleep(0.005)", TIMEOUT, Duration.ofSeconds(4), WaitingLineLoad::platform);
			System.out.println("Fair queue, 50 platform threads on a pool of 4: " + load.describe());
			assertThat(load.overtaken()).isZero();
			assertThat(load.timeoutsWithIdleConnections()).isZero();
		});
	}

	@Test
	void theApplicationsPoolIsStillTheHikariDataSourceItWasAndStartsOnce() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(HikariDataSource.class);
			HikariDataSource pool = context.getBean(HikariDataSource.class);
			assertThat(pool).isInstanceOf(QueuedPool.class).isSameAs(context.getBean(DataSource.class));
			borrowAndReturn(pool);
			assertThat(pool.isRunning()).isTrue();
			assertThat(pool.getMaximumPoolSize()).isEqualTo(4);
			assertThat(pool.getConnectionTimeout()).isEqualTo(TIMEOUT.toMillis());
		});
	}

	@Test
	void closingTheContextClosesThePoolThatTookBootsPlace() {
		AtomicReference<HikariDataSource> pool = new AtomicReference<>();
		this.contextRunner.run((context) -> {
			pool.set(context.getBean(HikariDataSource.class));
			borrowAndReturn(pool.get());
		});
		assertThat(pool.get().isClosed()).isTrue();
	}

	@Test
	void withoutFairnessOrBoundThePoolIsHikarisOwn() {
		this.contextRunner.withPropertyValues("db.pool.queue.fair=false").run((context) -> {
			assertThat(context.getBean(HikariDataSource.class).getClass()).isEqualTo(HikariDataSource.class);
		});
	}

	@Test
	void aBorrowBeyondTheBoundFailsAtOnceNamingTheBoundIsCountedAndReported(CapturedOutput output) {
		this.contextRunner.withPropertyValues("db.pool.size=1", "db.pool.queue.max-waiting=2", "db.pool.timeout=10s")
			.run((context) -> {
				HikariDataSource pool = context.getBean(HikariDataSource.class);
				ExecutorService waiters = Executors.newFixedThreadPool(2);
				List<CompletableFuture<Void>> waiting = new ArrayList<>();
				try (Connection held = pool.getConnection()) {
					for (int i = 0; i < 2; i++) {
						waiting.add(CompletableFuture.runAsync(() -> borrowAndReturn(pool), waiters));
					}
					await().atMost(Duration.ofSeconds(5)).until(() -> PoolStatistics.of(pool).pending() == 2);
					long start = System.nanoTime();
					assertThatExceptionOfType(SQLTransientConnectionException.class).isThrownBy(pool::getConnection)
						.withMessageStartingWith("dataSource - Connection is not available, turned away at once: 2 "
								+ "borrows were waiting, the most db.pool.queue.max-waiting=2 allows (total=1, active=1, "
								+ "idle=0, waiting=2). Raise db.pool.queue.max-waiting");
					assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
					assertThat(context.getBean(MeterRegistry.class)
						.get("db.pool.queue.turned.away")
						.tag("pool", "dataSource")
						.functionCounter()
						.count()).isOne();
					assertThat(context.getBean(MeterRegistry.class)
						.get("db.pool.queue.waiting")
						.tag("pool", "dataSource")
						.gauge()
						.value()).isEqualTo(2);
					await().atMost(Duration.ofSeconds(5)).until(() -> output.toString()
						.contains("Pool 'dataSource' ran dry: a borrow was turned away at once, as many waited as "
								+ "db.pool.queue.max-waiting=2 allows, with 1 of 1 connections lent"));
				}
				CompletableFuture.allOf(waiting.toArray(CompletableFuture[]::new)).join();
				waiters.shutdown();
				await().atMost(Duration.ofSeconds(5)).until(() -> output.toString()
					.contains("Pool 'dataSource' has nobody waiting again: 0 borrows timed out and 1 turned away "
							+ "(db.pool.queue.max-waiting=2)"));
			});
	}

	@Test
	void aPoolWithRoomToGrowTurnsNobodyAwayEvenWithABoundOfZero() {
		this.contextRunner.withPropertyValues("db.pool.size=1", "db.pool.overflow=3", "db.pool.queue.max-waiting=0")
			.run((context) -> {
				DataSource pool = context.getBean(DataSource.class);
				List<Connection> held = new ArrayList<>();
				try {
					for (int i = 0; i < 4; i++) {
						held.add(pool.getConnection());
					}
					assertThat(held).hasSize(4);
				}
				finally {
					for (Connection connection : held) {
						connection.close();
					}
				}
			});
	}

	@Test
	void aNegativeBoundFailsStartupNamingTheKey() {
		this.contextRunner.withPropertyValues("db.pool.queue.max-waiting=-1").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(PoolConfigurationException.class)
				.hasMessageContaining("db.pool.queue.max-waiting")
				.hasMessageContaining("-1")
				.hasMessageContaining("must be at least 0");
		});
	}

	@Test
	void aTimeoutInTheLineKeepsHikarisCauseAndNextExceptionTheLastConnectionFailure() {
		this.contextRunner
			.withPropertyValues("spring.datasource.url=jdbc:postgresql://127.0.0.1:9/app", "db.pool.lazy-start=true")
			.run((context) -> {
				DataSource pool = context.getBean(DataSource.class);
				ExecutorService callers = Executors.newFixedThreadPool(6);
				try {
					List<CompletableFuture<Throwable>> failures = new ArrayList<>();
					for (int i = 0; i < 6; i++) {
						failures.add(CompletableFuture.supplyAsync(() -> failureOf(pool), callers));
					}
					List<Throwable> thrown = failures.stream().map(CompletableFuture::join).toList();
					assertThat(thrown).hasSize(6).allSatisfy((failure) -> {
						assertThat(failure).isInstanceOf(SQLTransientConnectionException.class)
							.hasMessageContaining("request timed out after");
						assertThat(failure.getCause()).hasMessageContaining("refused");
						Throwable next = ((SQLException) failure).getNextException();
						assertThat(next).isSameAs(failure.getCause());
					});
				}
				finally {
					callers.shutdownNow();
				}
			});
	}

	private static Throwable failureOf(DataSource pool) {
		try (Connection connection = pool.getConnection()) {
			throw new IllegalStateException("borrowed from a pool whose server is down");
		}
		catch (SQLException ex) {
			return ex;
		}
	}

	private static void borrowAndReturn(DataSource pool) {
		try (Connection connection = pool.getConnection()) {
			connection.isValid(1);
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
