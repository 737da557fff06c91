package dev.poolwise.failover;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Threads that INSERT rows with unique ids through a pool in a loop, each call once, never retried,
 * recording every outcome, so that a test can compare what callers were told with the rows the server has.
 */
final class WriteLoad implements AutoCloseable {

	static final String TABLE = "CREATE TABLE writes (id bigint NOT NULL, at timestamptz DEFAULT clock_timestamp())";

	private static final Duration PAUSE = Duration.ofMillis(5);

	private final DataSource dataSource;

	private final AtomicLong ids = new AtomicLong();

	private final Queue<Write> writes = new ConcurrentLinkedQueue<>();

	private final List<Thread> threads = new ArrayList<>();

	private volatile boolean running = true;

	private WriteLoad(DataSource dataSource) {
		this.dataSource = dataSource;
	}

	static WriteLoad start(DataSource dataSource, int threads) {
		WriteLoad load = new WriteLoad(dataSource);
		for (int i = 0; i < threads; i++) {
			Thread thread = new Thread(load::loop, "write-load-" + i);
			load.threads.add(thread);
			thread.start();
		}
		return load;
	}

	private void loop() {
		while (this.running) {
			this.writes.add(write(this.ids.incrementAndGet()));
			LockSupport.parkNanos(PAUSE.toNanos());
		}
	}

	private Write write(long id) {
		long start = System.nanoTime();
		try (Connection connection = this.dataSource.getConnection();
				PreparedStatement insert = connection.prepareStatement("INSERT INTO writes (id) VALUES (?)")) {
			insert.setLong(1, id);
			insert.executeUpdate();
			return new Write(id, start, System.nanoTime(), null);
		}
		catch (SQLException ex) {
			return new Write(id, start, System.nanoTime(), ex);
		}
	}

	long successesStartedAfter(long nanos) {
		return this.writes.stream().filter((write) -> write.succeeded() && write.start() > nanos).count();
	}

	long failures() {
		return this.writes.stream().filter((write) -> !write.succeeded()).count();
	}

	@Override
	public void close() throws InterruptedException {
		this.running = false;
		for (Thread thread : this.threads) {
			thread.join(Duration.ofSeconds(30).toMillis());
			assertThat(thread.isAlive()).as("writer still running").isFalse();
		}
	}

	List<Write> writes() {
		return List.copyOf(this.writes);
	}

	Set<Long> succeeded() {
		return this.writes.stream().filter(Write::succeeded).map(Write::id).collect(Collectors.toSet());
	}

	Set<Long> attempted() {
		return this.writes.stream().map(Write::id).collect(Collectors.toSet());
	}

	/**
	 * What the failover cost callers: from the first failed call to the end of the first write that
	 * succeeded after it, and the calls that failed.
	 * @param name the case, for the printed line
	 * @return the summary
	 */
	Summary summary(String name) {
		List<Write> all = writes();
		long firstFailure = all.stream().filter((write) -> !write.succeeded()).mapToLong(Write::start).min()
			.orElseThrow(() -> new AssertionError(name + ": no call failed"));
		long firstSuccess = all.stream().filter((write) -> write.succeeded() && write.start() > firstFailure)
			.mapToLong(Write::end).min().orElseThrow(() -> new AssertionError(name + ": no write succeeded after"));
		List<Write> failed = all.stream().filter((write) -> !write.succeeded()).toList();
		long stale = failed.stream().filter(Write::onStaleConnection).count();
		Summary summary = new Summary(Duration.ofNanos(firstSuccess - firstFailure), failed.size(), stale,
				failed.stream().map(Write::sqlState).collect(Collectors.groupingBy((state) -> state,
						TreeMap::new, Collectors.counting())));
		System.out.println("FAILOVER " + name + ": window " + summary.window().toMillis() + " ms, " + summary.failed()
				+ " failed calls (" + summary.stale() + " on stale connections), by SQLSTATE " + summary.states()
				+ ", " + (all.size() - failed.size()) + " writes succeeded");
		return summary;
	}

	record Summary(Duration window, long failed, long stale, Map<String, Long> states) {

	}

	/**
	 * One call.
	 *
	 * @param id the row's id
	 * @param start when the call started, {@link System#nanoTime()}
	 * @param end when it returned
	 * @param failure its exception, or null
	 */
	record Write(long id, long start, long end, SQLException failure) {

		boolean succeeded() {
			return this.failure == null;
		}

		String sqlState() {
			return String.valueOf(this.failure.getSQLState());
		}

		/**
		 * Whether the call failed on a connection it was lent, rather than waiting for one.
		 */
		boolean onStaleConnection() {
			return !(this.failure instanceof SQLTransientConnectionException);
		}

	}

}
