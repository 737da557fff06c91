package dev.poolwise.benchmarks.harness;

import java.lang.reflect.InvocationTargetException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.HdrHistogram.Recorder;
import org.jspecify.annotations.Nullable;

/**
 * Closed-loop clients, each repeating pgbench's select-only transaction as an application would run it:
 * borrow a connection, read one account by primary key, give the connection back. Every operation is
 * timed from borrow to return, so time spent waiting for a pooled connection counts.
 */
public final class ClientLoad {

	private static final String SELECT = "SELECT abalance FROM pgbench_accounts WHERE aid = ?";

	private final ConnectionSource source;

	private final int clients;

	private final boolean virtualThreads;

	private final int accounts;

	private final long holdMillis;

	private final Recorder latencies = new Recorder(TrialResult.HIGHEST_NANOS, 3);

	private final AtomicLong errors = new AtomicLong();

	private volatile boolean measuring;

	private volatile boolean stopped;

	private @Nullable ExecutorService executor;

	private long measuredFrom;

	private @Nullable TrialResult result;

	public ClientLoad(ConnectionSource source, int clients, boolean virtualThreads, int accounts) {
		this(source, clients, virtualThreads, accounts, 0);
	}

	/**
	 * Clients that keep the connection for {@code holdMillis} after the read, as a transaction that does
	 * other work would: the pool saturates while the CPU stays mostly idle.
	 */
	public ClientLoad(ConnectionSource source, int clients, boolean virtualThreads, int accounts, long holdMillis) {
		this.source = source;
		this.clients = clients;
		this.virtualThreads = virtualThreads;
		this.accounts = accounts;
		this.holdMillis = holdMillis;
	}

	/**
	 * Runs a warm-up, then a measured window, and stops.
	 */
	public static TrialResult measure(ConnectionSource source, int clients, boolean virtualThreads, int accounts,
			Duration warmup, Duration measure) throws InterruptedException {
		ClientLoad load = new ClientLoad(source, clients, virtualThreads, accounts);
		load.start();
		try {
			Thread.sleep(warmup.toMillis());
			load.beginMeasurement();
			Thread.sleep(measure.toMillis());
		}
		finally {
			load.stop();
		}
		return load.result();
	}

	public void start() {
		this.executor = this.virtualThreads ? virtualThreadPerTask()
				: Executors.newFixedThreadPool(this.clients, ClientLoad::daemon);
		for (int i = 0; i < this.clients; i++) {
			this.executor.execute(this::loop);
		}
	}

	public void beginMeasurement() {
		this.latencies.reset();
		this.errors.set(0);
		this.measuredFrom = System.nanoTime();
		this.measuring = true;
	}

	/**
	 * Ends the measured window, then stops the clients and waits for them.
	 */
	public void stop() throws InterruptedException {
		if (this.result == null && this.measuring) {
			long measuredTo = System.nanoTime();
			this.result = TrialResult.of(this.latencies.getIntervalHistogram(), this.errors.get(),
					(measuredTo - this.measuredFrom) / 1e9);
		}
		this.stopped = true;
		this.executor.shutdown();
		if (!this.executor.awaitTermination(1, TimeUnit.MINUTES)) {
			throw new IllegalStateException("Load clients did not stop within a minute");
		}
	}

	/**
	 * @return what the measured window gave, once stopped
	 */
	public @Nullable TrialResult result() {
		return this.result;
	}

	private void loop() {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		while (!this.stopped) {
			long started = System.nanoTime();
			try {
				readAccount(random.nextInt(1, this.accounts + 1));
				if (this.measuring) {
					this.latencies.recordValue(Math.min(System.nanoTime() - started, TrialResult.HIGHEST_NANOS));
				}
			}
			catch (SQLException ex) {
				if (this.measuring) {
					this.errors.incrementAndGet();
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	private void readAccount(int id) throws SQLException, InterruptedException {
		try (Connection connection = this.source.get();
				PreparedStatement statement = connection.prepareStatement(SELECT)) {
			statement.setInt(1, id);
			try (ResultSet row = statement.executeQuery()) {
				if (!row.next()) {
					throw new SQLException("No account " + id);
				}
			}
			if (this.holdMillis > 0) {
				Thread.sleep(this.holdMillis);
			}
		}
	}

	/**
	 * Load threads never keep the JVM alive: a run that fails halfway must end, not keep loading the server.
	 */
	private static Thread daemon(Runnable task) {
		Thread thread = new Thread(task, "bench-client");
		thread.setDaemon(true);
		return thread;
	}

	/**
	 * {@code Executors.newVirtualThreadPerTaskExecutor()}, called reflectively: the module is compiled for
	 * Java 17 and runs its virtual-thread rows only on 21 and later.
	 */
	public static ExecutorService virtualThreadPerTask() {
		try {
			return (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
		}
		catch (NoSuchMethodException | IllegalAccessException | InvocationTargetException ex) {
			throw new IllegalStateException("Virtual threads need Java 21 or later", ex);
		}
	}

	public static boolean virtualThreadsAvailable() {
		return Runtime.version().feature() >= 21;
	}

}
