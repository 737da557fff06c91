package dev.poolwise.benchmarks.studies.fairqueue;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import dev.poolwise.benchmarks.harness.ClientLoad;

/**
 * One burst: virtual threads that borrow, hold the connection for one short query and return it, over and
 * over, every borrow recorded. A timeout is overtaken when a borrow that asked later (by more than a margin)
 * was served before it gave up (by more than the margin): its turn would have come within the timeout.
 *
 * @param requests borrows made
 * @param failed borrows that timed out
 * @param withIdle timeouts whose message counted idle connections
 * @param overtaken timeouts overtaken by a later borrow
 * @param p50 median wait, served or not
 * @param p99 99th percentile wait
 * @param max longest wait
 * @param perSecond borrows served per second
 */
record Borrows(int requests, long failed, long withIdle, long overtaken, Duration p50, Duration p99, Duration max,
		double perSecond) {

	private static final Pattern IDLE = Pattern.compile("idle=(\\d+)");

	private static final long MARGIN_NANOS = Duration.ofMillis(50).toNanos();

	/**
	 * Runs one burst.
	 * @param dataSource the pool
	 * @param threads how many virtual threads borrow at once
	 * @param duration how long they borrow
	 * @return what the borrows saw
	 */
	static Borrows burst(DataSource dataSource, int threads, Duration duration) throws InterruptedException {
		ConcurrentLinkedQueue<long[]> borrows = new ConcurrentLinkedQueue<>();
		CountDownLatch finished = new CountDownLatch(threads);
		long start = System.nanoTime();
		long end = start + duration.toNanos();
		ExecutorService executor = ClientLoad.virtualThreadPerTask();
		try {
			for (int i = 0; i < threads; i++) {
				executor.execute(() -> {
					while (System.nanoTime() < end) {
						borrows.add(borrow(dataSource));
					}
					finished.countDown();
				});
			}
			if (!finished.await(duration.toSeconds() + 60, TimeUnit.SECONDS)) {
				throw new IllegalStateException("The borrowers did not finish");
			}
		}
		finally {
			executor.shutdown();
		}
		return of(new ArrayList<>(borrows), System.nanoTime() - start);
	}

	/**
	 * One borrow: when it asked, when it was served (or -1), when it gave up (or -1), the idle count of its
	 * timeout's message (or -1).
	 */
	private static long[] borrow(DataSource dataSource) {
		long asked = System.nanoTime();
		try (Connection connection = dataSource.getConnection()) {
			long served = System.nanoTime();
			try (Statement statement = connection.createStatement()) {
				statement.execute("SELECT pg_sleep(0.005)");
			}
			return new long[] { asked, served, -1, -1 };
		}
		catch (SQLTransientConnectionException ex) {
			Matcher idle = IDLE.matcher(String.valueOf(ex.getMessage()));
			return new long[] { asked, -1, System.nanoTime(), idle.find() ? Long.parseLong(idle.group(1)) : -1 };
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static Borrows of(List<long[]> borrows, long elapsedNanos) {
		List<long[]> served = borrows.stream()
			.filter((borrow) -> borrow[1] >= 0)
			.sorted(Comparator.comparingLong((long[] borrow) -> borrow[0]))
			.toList();
		long[] askedServed = served.stream().mapToLong((borrow) -> borrow[0]).toArray();
		long[] earliestFrom = new long[served.size()];
		long earliest = Long.MAX_VALUE;
		for (int i = served.size() - 1; i >= 0; i--) {
			earliest = Math.min(earliest, served.get(i)[1]);
			earliestFrom[i] = earliest;
		}
		long failed = 0;
		long withIdle = 0;
		long overtaken = 0;
		for (long[] borrow : borrows) {
			if (borrow[2] < 0) {
				continue;
			}
			failed++;
			if (borrow[3] > 0) {
				withIdle++;
			}
			int found = Arrays.binarySearch(askedServed, borrow[0] + MARGIN_NANOS);
			int first = (found >= 0) ? found : -found - 1;
			if (first < earliestFrom.length && earliestFrom[first] < borrow[2] - MARGIN_NANOS) {
				overtaken++;
			}
		}
		long[] waits = borrows.stream()
			.mapToLong((borrow) -> ((borrow[1] >= 0) ? borrow[1] : borrow[2]) - borrow[0])
			.sorted()
			.toArray();
		return new Borrows(borrows.size(), failed, withIdle, overtaken, percentile(waits, 50), percentile(waits, 99),
				percentile(waits, 100), served.size() / (elapsedNanos / 1e9));
	}

	private static Duration percentile(long[] sorted, double percentile) {
		if (sorted.length == 0) {
			return Duration.ZERO;
		}
		int index = (int) Math.ceil(percentile / 100 * sorted.length) - 1;
		return Duration.ofNanos(sorted[Math.max(0, Math.min(sorted.length - 1, index))]);
	}

}
