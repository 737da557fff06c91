package dev.poolwise.benchmarks.studies.autosize;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

import javax.sql.DataSource;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Client threads, as many active as the workload's schedule says at each moment, each borrowing a connection,
 * running one statement and returning it, over and over. The wait for the connection is recorded for every
 * borrow, a pool timeout included; an acquisition that fails for any other reason is an error.
 */
final class Clients implements AutoCloseable {

	private final DataSource dataSource;

	private final String sql;

	private final List<Thread> threads = new ArrayList<>();

	private final Recorder waits = new Recorder(3);

	private final Histogram total = new Histogram(3);

	private final LongAdder done = new LongAdder();

	private final LongAdder timeouts = new LongAdder();

	private final LongAdder errors = new LongAdder();

	private volatile int active;

	private volatile boolean stopped;

	Clients(DataSource dataSource, String sql, int threads) {
		this.dataSource = dataSource;
		this.sql = sql;
		for (int i = 0; i < threads; i++) {
			int index = i;
			Thread thread = new Thread(() -> run(index), "autosize-client-" + i);
			thread.setDaemon(true);
			this.threads.add(thread);
			thread.start();
		}
	}

	void active(int clients) {
		this.active = clients;
	}

	private void run(int index) {
		while (!this.stopped) {
			if (index >= this.active) {
				LockSupport.parkNanos(2_000_000);
				continue;
			}
			long start = System.nanoTime();
			try (Connection connection = this.dataSource.getConnection()) {
				this.waits.recordValue(Math.max(1, (System.nanoTime() - start) / 1000));
				try (Statement statement = connection.createStatement()) {
					statement.execute(this.sql);
				}
				this.done.increment();
			}
			catch (SQLException ex) {
				if (isTimeout(ex)) {
					this.waits.recordValue(Math.max(1, (System.nanoTime() - start) / 1000));
					this.timeouts.increment();
				}
				else {
					this.errors.increment();
				}
			}
		}
	}

	private static boolean isTimeout(SQLException ex) {
		String message = String.valueOf(ex.getMessage()).toLowerCase(Locale.ROOT);
		return ex instanceof java.sql.SQLTransientConnectionException || message.contains("timed out")
				|| message.contains("timeout");
	}

	long done() {
		return this.done.sum();
	}

	long timeouts() {
		return this.timeouts.sum();
	}

	long errors() {
		return this.errors.sum();
	}

	/**
	 * Every wait recorded so far, in microseconds.
	 */
	synchronized Histogram waits() {
		this.total.add(this.waits.getIntervalHistogram());
		return this.total.copy();
	}

	@Override
	public void close() throws InterruptedException {
		this.stopped = true;
		for (Thread thread : this.threads) {
			thread.join(10_000);
		}
	}

}
