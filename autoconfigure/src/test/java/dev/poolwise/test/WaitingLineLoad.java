package dev.poolwise.test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;

/**
 * Many callers that each borrow a connection, hold it for one short query and return it, over and over for a
 * while, every borrow recorded: when it asked, when it got its connection or gave up, and, for a timeout, how
 * many idle connections the pool's message counted. It answers the questions of a fair queue: did a borrow
 * time out while the pool had idle connections, and did a borrow time out although a borrow that asked after
 * it was served before it gave up (it was overtaken: its turn would have come within the timeout).
 */
public final class WaitingLineLoad {

	private static final Pattern IDLE = Pattern.compile("idle=(\\d+)");

	/**
	 * How much later a borrow must have asked, and how much earlier it must have been served, to count as
	 * overtaking: the time between reading the clock and joining the line is not the line's doing.
	 */
	private static final long MARGIN_NANOS = Duration.ofMillis(50).toNanos();

	private final List<Borrow> borrows;

	private final Duration timeout;

	private final Duration elapsed;

	private WaitingLineLoad(List<Borrow> borrows, Duration timeout, Duration elapsed) {
		this.borrows = borrows;
		this.timeout = timeout;
		this.elapsed = elapsed;
	}

	/**
	 * Runs the callers, each on a thread of its own, and waits for them.
	 * @param dataSource the pool
	 * @param callers how many at once
	 * @param hold the query each runs on its connection, e.g. {@code SELECT pg_sleep(0.005)}
	 * @param timeout the pool's connection timeout
	 * @param duration how long the callers keep borrowing
	 * @param threads starts a caller: a platform or a virtual thread
	 * @return the recorded borrows
	 * @throws InterruptedException if interrupted while the callers run
	 */
	public static WaitingLineLoad run(DataSource dataSource, int callers, String hold, Duration timeout,
			Duration duration, Function<Runnable, Thread> threads) throws InterruptedException {
		ConcurrentLinkedQueue<Borrow> borrows = new ConcurrentLinkedQueue<>();
		CountDownLatch start = new CountDownLatch(1);
		CountDownLatch finished = new CountDownLatch(callers);
		long begin = System.nanoTime();
		long end = begin + duration.toNanos();
		for (int i = 0; i < callers; i++) {
			threads.apply(() -> {
				try {
					start.await();
					while (System.nanoTime() < end) {
						borrows.add(borrow(dataSource, hold));
					}
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				finally {
					finished.countDown();
				}
			});
		}
		start.countDown();
		if (!finished.await(duration.toMillis() + timeout.toMillis() + 30_000, TimeUnit.MILLISECONDS)) {
			throw new IllegalStateException("The callers did not finish");
		}
		return new WaitingLineLoad(new ArrayList<>(borrows), timeout, Duration.ofNanos(System.nanoTime() - begin));
	}

	/**
	 * A platform thread per caller.
	 * @param task the caller
	 * @return its started thread
	 */
	public static Thread platform(Runnable task) {
		Thread thread = new Thread(task, "waiting-line-caller");
		thread.setDaemon(true);
		thread.start();
		return thread;
	}

	private static Borrow borrow(DataSource dataSource, String hold) {
		long asked = System.nanoTime();
		try (Connection connection = dataSource.getConnection()) {
			long served = System.nanoTime();
			try (Statement statement = connection.createStatement()) {
				statement.execute(hold);
			}
			return new Borrow(asked, served, -1, null);
		}
		catch (SQLTransientConnectionException ex) {
			long gaveUp = System.nanoTime();
			Matcher idle = IDLE.matcher(String.valueOf(ex.getMessage()));
			return new Borrow(asked, -1, idle.find() ? Integer.parseInt(idle.group(1)) : -1,
					new Failure(gaveUp, String.valueOf(ex.getMessage())));
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Borrows made.
	 * @return how many
	 */
	public int requests() {
		return this.borrows.size();
	}

	/**
	 * Borrows that failed.
	 * @return how many
	 */
	public long failures() {
		return this.borrows.stream().filter((borrow) -> borrow.failure() != null).count();
	}

	/**
	 * Borrows that timed out while the pool's message counted idle connections.
	 * @return how many
	 */
	public long timeoutsWithIdleConnections() {
		return this.borrows.stream().filter((borrow) -> borrow.idleAtTimeout() > 0).count();
	}

	/**
	 * Borrows that failed although a borrow that asked later was served before they gave up.
	 * @return how many
	 */
	public long overtaken() {
		List<Borrow> byAsked = this.borrows.stream()
			.filter((borrow) -> borrow.failure() == null)
			.sorted((a, b) -> Long.compare(a.asked(), b.asked()))
			.toList();
		long[] served = byAsked.stream().mapToLong(Borrow::asked).toArray();
		long[] servedAt = new long[served.length];
		long earliest = Long.MAX_VALUE;
		for (int i = byAsked.size() - 1; i >= 0; i--) {
			earliest = Math.min(earliest, byAsked.get(i).served());
			servedAt[i] = earliest;
		}
		long count = 0;
		for (Borrow borrow : this.borrows) {
			Failure failure = borrow.failure();
			if (failure == null) {
				continue;
			}
			int later = Arrays.binarySearch(served, borrow.asked() + MARGIN_NANOS);
			int first = (later >= 0) ? later : -later - 1;
			if (first < served.length && servedAt[first] < failure.at() - MARGIN_NANOS) {
				count++;

			}
		}
		return count;
	}

	/**
	 * Borrows served per second of the run.
	 * @return the rate
	 */
	public double servedPerSecond() {
		return (requests() - failures()) / (this.elapsed.toNanos() / 1e9);
	}

	/**
	 * A percentile of how long borrows waited, served or not.
	 * @param percentile e.g. 99
	 * @return the wait
	 */
	public Duration waitPercentile(double percentile) {
		long[] waits = this.borrows.stream().mapToLong(Borrow::waited).sorted().toArray();
		if (waits.length == 0) {
			return Duration.ZERO;
		}
		int index = (int) Math.min(waits.length - 1, Math.ceil(percentile / 100 * waits.length) - 1);
		return Duration.ofNanos(waits[Math.max(0, index)]);
	}

	/**
	 * The messages of the failed borrows, each once.
	 * @return the distinct messages with the digits taken out
	 */
	public List<String> failureMessages() {
		return this.borrows.stream()
			.flatMap((borrow) -> Stream.ofNullable(borrow.failure()))
			.map((failure) -> failure.message().replaceAll("\\d+", "N"))
			.distinct()
			.toList();
	}

	/**
	 * The numbers in one line, for the test's output and the report.
	 * @return e.g. {@code 3120 requests, 31 timeouts (12 with idle connections, 29 overtaken), p99 wait 612 ms}
	 */
	public String describe() {
		return requests() + " requests in " + this.timeout.toMillis() + " ms timeout: " + failures() + " failed ("
				+ timeoutsWithIdleConnections() + " with idle connections, " + overtaken()
				+ " overtaken by a later borrow), p50 wait " + waitPercentile(50).toMillis() + " ms, p99 wait "
				+ waitPercentile(99).toMillis() + " ms, max " + waitPercentile(100).toMillis() + " ms";
	}

	private record Borrow(long asked, long served, int idleAtTimeout, @Nullable Failure failure) {

		long waited() {
			Failure failed = this.failure;
			return ((failed != null) ? failed.at() : this.served) - this.asked;
		}

	}

	private record Failure(long at, String message) {

	}

}
