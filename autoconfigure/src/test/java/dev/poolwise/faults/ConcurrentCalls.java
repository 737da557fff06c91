package dev.poolwise.faults;

import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

import dev.poolwise.test.Call;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many callers released at once against one pool, and the bound every one of them must meet.
 */
final class ConcurrentCalls {

	private ConcurrentCalls() {
	}

	/**
	 * Releases all callers at once and waits for every one of them, failing if any is still running after
	 * a generous bound, which would mean a deadlock.
	 * @param callers how many
	 * @param starter starts a thread (platform or virtual) for a task
	 * @param call what each caller does
	 * @return every caller's outcome
	 * @throws InterruptedException if interrupted while waiting
	 */
	static List<Call> start(int callers, Function<Runnable, Thread> starter, Supplier<Call> call)
			throws InterruptedException {
		Call[] calls = new Call[callers];
		CountDownLatch ready = new CountDownLatch(callers);
		CountDownLatch go = new CountDownLatch(1);
		List<Thread> threads = new ArrayList<>();
		for (int i = 0; i < callers; i++) {
			int caller = i;
			threads.add(starter.apply(() -> {
				ready.countDown();
				try {
					go.await();
					calls[caller] = call.get();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}));
		}
		ready.await();
		go.countDown();
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		for (Thread thread : threads) {
			thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
		}
		assertThat(threads).as("callers still running: deadlock").noneMatch(Thread::isAlive);
		return Arrays.asList(calls);
	}

	/**
	 * Every call either succeeded within the bound plus its own hold time, or timed out waiting for a
	 * connection within the bound.
	 * @param calls the outcomes
	 * @param bound {@code db.pool.timeout} plus a margin
	 * @param hold how long a successful call holds its connection
	 */
	static void assertWithinTimeout(List<Call> calls, Duration bound, Duration hold) {
		assertThat(calls).allSatisfy((call) -> {
			if (call.succeeded()) {
				assertThat(call.elapsed()).isLessThanOrEqualTo(bound.plus(hold));
			}
			else {
				assertThat(call.failure()).isInstanceOf(SQLTransientConnectionException.class)
					.hasMessageContaining("request timed out after");
				assertThat(call.elapsed()).isLessThanOrEqualTo(bound);
			}
		});
	}

	static Thread platformThread(Runnable task) {
		Thread thread = new Thread(task, "caller");
		thread.start();
		return thread;
	}

}
