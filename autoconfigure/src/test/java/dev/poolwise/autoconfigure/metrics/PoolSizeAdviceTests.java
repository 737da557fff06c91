package dev.poolwise.autoconfigure.metrics;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import com.example.orders.OrderService;
import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.poolwise.metrics.PoolSizeAdvisor;
import dev.poolwise.metrics.PoolSizeRecommendation;
import dev.poolwise.pool.PoolStatistics;
import dev.poolwise.test.MetricsContexts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The size advice on a pool that runs dry, against the real server: 12 callers of a method that queries in a
 * transaction and then waits on something that is not the database, on a pool of 3 with a 1 s timeout. The
 * demand is 12, not the pool's own 3, and more connections are not the fix: the holders sit idle in a
 * transaction, and the advice names where.
 */
class PoolSizeAdviceTests {

	private final ApplicationContextRunner contextRunner = MetricsContexts.runner()
		.withPropertyValues("db.pool.size=3", "db.pool.overflow=0", "db.pool.timeout=1s",
				"db.pool.monitor.interval=1s", "db.pool.application-name=size-advice");

	@Test
	void aPoolHeldByIdleTransactionsIsAdvisedOnItsDemandAndToldThatShorterTransactionsAreTheFix() {
		this.contextRunner.run((context) -> {
			HikariDataSource pool = context.getBean(HikariDataSource.class);
			PoolSizeAdvisor advisor = context.getBean(PoolSizeAdvisor.class);
			CountDownLatch release = new CountDownLatch(1);
			OrderService orders = new OrderService(pool, release);
			AtomicBoolean running = new AtomicBoolean(true);
			List<Thread> callers = new ArrayList<>();
			for (int i = 0; i < 12; i++) {
				Thread caller = new Thread(() -> {
					while (running.get()) {
						try {
							orders.sendConfirmation(new CountDownLatch(1));
						}
						catch (SQLException ex) {
							// timed out waiting for a connection: the caller tries again, as the next request would
						}
						catch (InterruptedException ex) {
							return;
						}
					}
				}, "order-worker-" + i);
				caller.start();
				callers.add(caller);
			}
			try {
				AtomicReference<String> advice = new AtomicReference<>("");
				AtomicReference<PoolSizeRecommendation> latest = new AtomicReference<>();
				await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
					PoolSizeRecommendation recommendation = advisor.recommend(pool.getPoolName());
					if (recommendation == null) {
						return false;
					}
					PoolStatistics statistics = PoolStatistics.of(pool);
					latest.set(recommendation);
					advice.set(recommendation.explain(statistics.min(), statistics.max(), statistics.utilization()));
					return advice.get().contains("idle in a transaction") && advice.get().contains("timed out");
				});
				System.out.println("Size advice on a pool of 3 held by idle transactions, 12 callers: recommended "
						+ latest.get().recommendedSize() + ": " + advice.get());
				assertThat(latest.get().recommendedSize()).isGreaterThanOrEqualTo(12);
				assertThat(advice.get()).contains("The pool turned callers away")
					.contains("so the demand is at least 12, not the pool's own ceiling")
					.contains("busy session(s) sit idle in a transaction (pg_stat_activity)")
					.contains("more connections are not the fix, shorter transactions are")
					.contains("held from `OrderService.sendConfirmation`")
					.doesNotContain("raise db.pool.size");
			}
			finally {
				running.set(false);
				release.countDown();
				for (Thread caller : callers) {
					caller.join(10_000);
				}
			}
		});
	}

}
