package dev.poolwise.pool;

import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link PoolThreads}: every background thread of Poolwise is a daemon named for its feature and pool.
 */
class PoolThreadsTests {

	@Test
	void executorThreadsAreDaemonsNamedForTheFeatureAndThePool() {
		Thread thread = PoolThreads.factory("monitor", "orders").newThread(() -> {
		});
		assertThat(thread.getName()).isEqualTo("poolwise-monitor-orders");
		assertThat(thread.isDaemon()).isTrue();
	}

	@Test
	void aOneOffTaskRunsOnADaemonThreadNamedForTheFeatureAndThePool() {
		CompletableFuture<Thread> ran = new CompletableFuture<>();
		PoolThreads.start("warmup", "orders", () -> ran.complete(Thread.currentThread()));
		assertThat(ran.join()).satisfies((thread) -> {
			assertThat(thread.getName()).isEqualTo("poolwise-warmup-orders");
			assertThat(thread.isDaemon()).isTrue();
		});
	}

}
