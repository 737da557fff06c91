package dev.poolwise.test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;

/**
 * Clients that borrow a connection, run statements and return it, over and over, until closed: a steady
 * load for tests of how a pool reacts to demand. Failures (such as pool timeouts) are counted, not thrown.
 */
public final class Load implements AutoCloseable {

	private final AtomicBoolean running = new AtomicBoolean(true);

	private final AtomicBoolean unchecked = new AtomicBoolean();

	private final AtomicLong done = new AtomicLong();

	private final AtomicLong failed = new AtomicLong();

	private final List<Thread> threads = new ArrayList<>();

	private final AtomicReference<@Nullable Exception> lastFailure = new AtomicReference<>();

	private Load(DataSource dataSource, int clients, String... statements) {
		for (int i = 0; i < clients; i++) {
			Thread thread = new Thread(() -> run(dataSource, statements), "load-" + i);
			thread.setDaemon(true);
			this.threads.add(thread);
			thread.start();
		}
	}

	/**
	 * Starts the clients.
	 * @param dataSource the pool
	 * @param clients how many at once
	 * @param statements what each runs per borrow, in one transaction when there is more than one
	 * @return the running load
	 */
	public static Load start(DataSource dataSource, int clients, String... statements) {
		return new Load(dataSource, clients, statements);
	}

	private void run(DataSource dataSource, String... statements) {
		while (this.running.get()) {
			try (Connection connection = dataSource.getConnection()) {
				connection.setAutoCommit(statements.length == 1);
				try (Statement statement = connection.createStatement()) {
					for (String sql : statements) {
						statement.execute(sql);
					}
				}
				if (statements.length > 1) {
					connection.commit();
				}
				this.done.incrementAndGet();
			}
			catch (SQLException | RuntimeException ex) {
				// a client counts every failure and goes on: one that died would hide what callers get; the first
				// unchecked one is printed whole, as a dying thread would have
				this.failed.incrementAndGet();
				this.lastFailure.set(ex);
				if (ex instanceof RuntimeException && this.unchecked.compareAndSet(false, true)) {
					ex.printStackTrace();
				}
			}
		}
	}

	/**
	 * Borrows that completed.
	 * @return how many
	 */
	public long done() {
		return this.done.get();
	}

	/**
	 * Borrows or statements that failed.
	 * @return how many
	 */
	public long failed() {
		return this.failed.get();
	}

	/**
	 * The latest failure a client saw.
	 * @return the failure, or null when none failed
	 */
	public @Nullable Exception lastFailure() {
		return this.lastFailure.get();
	}

	@Override
	public void close() throws InterruptedException {
		this.running.set(false);
		for (Thread thread : this.threads) {
			thread.join(10_000);
		}
	}

}
