package dev.poolwise.health;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

import com.zaxxer.hikari.HikariDataSource;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;


import dev.poolwise.budget.Fleet;
import dev.poolwise.failover.ConnectedServer;
import dev.poolwise.net.SideConnectionLifetime;
import dev.poolwise.net.SideConnections;
import dev.poolwise.pool.PoolThreads;
import dev.poolwise.validation.Durations;

/**
 * Asks the server whether it answers without borrowing from the pool: a saturated pool must not make
 * the health check wait, and the health check must not take a connection the application needs.
 * <p>
 * The probe keeps one dedicated physical connection and reuses it. Opening one per call would cost a
 * backend process and an authentication exchange (several milliseconds, more with SCRAM) on every
 * health poll, plus two log lines per poll on servers with {@code log_connections}; the price of reuse
 * is one idle backend per pool, recognisable in {@code pg_stat_activity} by its application name. A
 * reused connection that the server or the network closed (restart, {@code idle_session_timeout}, a
 * proxy) is replaced and the query run once more, so a server that is back is not reported DOWN. It is
 * also replaced, as the pool's are, after the pool's recycle time and when the pool's TLS material changed
 * ({@link SideConnectionLifetime}), so that the probe handshakes with what the pool's new connections use.
 * <p>
 * With a max-age, callers read the last answer instead of waiting for a round trip: under a saturated
 * CPU the probe's backend queues for a core, and that wait landed on every health call. The probe runs
 * again max-age after the previous one ended, while health is asked for (it pauses after a minute without
 * a call). An answer is used while it is at most max-age + timeout old, the longest a healthy refresh
 * leaves it; a probe running longer than the timeout is reported at once as no answer. So a server that
 * stops answering is reported within max-age + timeout, and one that is back within max-age and a probe.
 * Without an answer that recent (the first call, after a pause), or with a max-age of zero, the caller
 * waits for a probe of its own, as below.
 * <p>
 * The probe runs on its own thread and callers wait for it at most the health timeout. Only one probe
 * is ever in flight: callers arriving meanwhile wait for the same one, so a slow or hung server cannot
 * pile up threads, connections or backends. A probe nobody waits for any more is not abandoned: the
 * connection's statement_timeout (the health timeout, see {@link SideConnections#open}) has the server
 * cancel it, which keeps the connection and frees the backend, where closing the socket would leave the
 * backend running and force a new connection on every call; its socket timeout ends a read on a dead
 * network, and its connect and login timeouts bound reconnecting.
 * <p>
 * Each probe also counts the application's instances on the server ({@link Fleet}), whose statements, like
 * this probe's, carry their JVM's marker.
 */
final class ServerProbe implements AutoCloseable {

	/**
	 * One round trip: where the connection landed and whether that server takes writes (as
	 * {@link ConnectedServer} reads it), and the required extensions the database lacks.
	 */
	private static final String QUERY = """
			SELECT host(inet_server_addr()), inet_server_port(), pg_is_in_recovery(),
			       current_setting('default_transaction_read_only') = 'on',
			       ARRAY(SELECT name FROM unnest(?::text[]) AS required(name)
			             WHERE name NOT IN (SELECT extname FROM pg_extension) ORDER BY name)
			""";

	private static final long IDLE_NANOS = TimeUnit.MINUTES.toNanos(1);

	private final HikariDataSource pool;

	private final Duration timeout;

	private final Duration maxAge;

	private final String[] requiredExtensions;

	private final String applicationName;

	private final ScheduledExecutorService executor;

	private @Nullable Future<Result> inFlight;

	private long inFlightSince;

	private @Nullable Answer last;

	private long lastAsked;

	private @Nullable ScheduledFuture<?> refresh;

	private @Nullable Connection connection;

	private final SideConnectionLifetime lifetime;

	/**
	 * @param dataSource the pool whose server and settings to use
	 * @param timeout longest a caller waits for an answer
	 * @param maxAge longest an answer is reused; zero to probe on every call
	 * @param requiredExtensions extensions that must be installed
	 * @param tlsGeneration the generation of the pool's TLS material, constant without an SSL bundle
	 */
	ServerProbe(HikariDataSource dataSource, Duration timeout, Duration maxAge, List<String> requiredExtensions,
			LongSupplier tlsGeneration) {
		this.pool = dataSource;
		this.lifetime = new SideConnectionLifetime(dataSource, tlsGeneration);
		this.timeout = timeout;
		this.maxAge = maxAge;
		this.requiredExtensions = requiredExtensions.toArray(String[]::new);
		this.applicationName = SideConnections.applicationName(dataSource);
		this.executor = Executors
			.newSingleThreadScheduledExecutor(PoolThreads.factory("health", dataSource.getPoolName()));
	}

	/**
	 * Answers from a recent probe, or probes the server, waiting at most the timeout.
	 * @return what the server answered
	 * @throws SQLException if it failed to answer, {@link SQLTimeoutException} if not in time
	 */
	Result run() throws SQLException {
		Future<Result> probe;
		synchronized (this) {
			long now = System.nanoTime();
			this.lastAsked = now;
			if (!this.maxAge.isZero()) {
				keepRefreshing();
				if (this.inFlight != null && !this.inFlight.isDone()
						&& now - this.inFlightSince >= this.timeout.toNanos()) {
					throw noAnswer();
				}
				if (this.last != null && now - this.last.at() <= this.maxAge.plus(this.timeout).toNanos()) {
					return this.last.get();
				}
			}
			probe = start(now);
		}
		try {
			return probe.get(this.timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			throw noAnswer();
		}
		catch (ExecutionException ex) {
			Throwable cause = ex.getCause();
			throw (cause instanceof SQLException failure) ? failure : new SQLException(String.valueOf(cause), cause);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new SQLException("Interrupted while waiting for the server", ex);
		}
	}

	private SQLTimeoutException noAnswer() {
		return new SQLTimeoutException("No answer from the server within " + Durations.format(this.timeout));
	}

	private Future<Result> start(long now) {
		Future<Result> current = this.inFlight;
		if (current == null || current.isDone()) {
			current = this.executor.submit(this::probeAndKeep);
			this.inFlight = current;
			this.inFlightSince = now;
		}
		return current;
	}

	private void keepRefreshing() {
		if (this.refresh == null) {
			long delay = this.maxAge.toNanos();
			this.refresh = this.executor.scheduleWithFixedDelay(this::refresh, delay, delay, TimeUnit.NANOSECONDS);
		}
	}

	/**
	 * Runs on the probe thread every max-age: probes unless a caller's probe is queued, and stops once
	 * nobody asked for a minute.
	 */
	private void refresh() {
		FutureTask<Result> probe = new FutureTask<>(this::probeAndKeep);
		synchronized (this) {
			long now = System.nanoTime();
			ScheduledFuture<?> scheduled = this.refresh;
			if (now - this.lastAsked > IDLE_NANOS && scheduled != null) {
				scheduled.cancel(false);
				this.refresh = null;
				return;
			}
			if (this.inFlight != null && !this.inFlight.isDone()) {
				return;
			}
			this.inFlight = probe;
			this.inFlightSince = now;
		}
		probe.run();
	}

	private Result probeAndKeep() throws SQLException {
		try {
			Result result = probe();
			keep(new Answer(result, null, System.nanoTime()));
			return result;
		}
		catch (SQLException ex) {
			keep(new Answer(null, ex, System.nanoTime()));
			throw ex;
		}
	}

	private synchronized void keep(Answer answer) {
		this.last = answer;
	}

	private Result probe() throws SQLException {
		if (this.connection != null && this.lifetime.isOver()) {
			disconnect();
		}
		Connection current = this.connection;
		if (current != null) {
			try {
				return query(current);
			}
			catch (SQLException ex) {
				if (!current.isClosed()) {
					throw ex;
				}
				disconnect();
			}
		}
		Connection opened = SideConnections.open(this.pool, SideConnections.HEALTH, this.timeout);
		this.connection = opened;
		this.lifetime.opened();
		return query(opened);
	}

	private Result query(Connection connection) throws SQLException {
		long start = System.nanoTime();
		ConnectedServer server;
		List<String> missing;
		try (PreparedStatement statement = connection.prepareStatement(Fleet.marker() + QUERY)) {
			statement.setArray(1, connection.createArrayOf("text", this.requiredExtensions));
			try (ResultSet row = statement.executeQuery()) {
				row.next();
				int port = row.getInt(2);
				server = new ConnectedServer(row.getString(1), row.wasNull() ? null : port, row.getBoolean(3),
						row.getBoolean(4));
				missing = List.of((String[]) row.getArray(5).getArray());
			}
		}
		Duration latency = Duration.ofNanos(System.nanoTime() - start);
		String version = connection.unwrap(PGConnection.class).getParameterStatus("server_version");
		Fleet fleet = Fleet.read(connection, this.applicationName);
		return new Result(version, server, latency, missing, fleet.counted());
	}

	private void disconnect() {
		Connection current = this.connection;
		this.connection = null;
		SideConnections.closeQuietly(current);
	}

	/**
	 * Stops refreshing and closes the probe connection on the probe thread, which alone uses it, after any
	 * probe in flight.
	 */
	@Override
	public void close() {
		synchronized (this) {
			ScheduledFuture<?> scheduled = this.refresh;
			if (scheduled != null) {
				scheduled.cancel(false);
			}
		}
		this.executor.execute(this::disconnect);
		this.executor.shutdown();
	}

	/**
	 * What the server answered.
	 *
	 * @param serverVersion {@code server_version}, as reported when the probe connection opened, null if it
	 * was not
	 * @param server the server the probe connection is on, and whether it takes writes
	 * @param latency round trip of the probe query
	 * @param missingExtensions required extensions not in {@code pg_extension}
	 * @param instances instances of the application seen on the server, this one included
	 */
	record Result(@Nullable String serverVersion, ConnectedServer server, Duration latency,
			List<String> missingExtensions, int instances) {

	}

	/**
	 * The last probe's outcome, kept for callers within max-age.
	 *
	 * @param value what the server answered, or null if it failed
	 * @param failure why it failed, or null
	 * @param at when the probe ended, in {@link System#nanoTime()}
	 */
	private record Answer(@Nullable Result value, @Nullable SQLException failure, long at) {

		Result get() throws SQLException {
			if (this.failure != null) {
				throw this.failure;
			}
			return Objects.requireNonNull(this.value);
		}

	}

}
