package dev.poolwise.health;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.zaxxer.hikari.HikariDataSource;
import org.postgresql.PGConnection;

import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

import dev.poolwise.budget.Fleet;
import dev.poolwise.net.SideConnections;
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
 * proxy) is replaced and the query run once more, so a server that is back is not reported DOWN.
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

	private static final String QUERY = "SELECT name FROM unnest(?::text[]) AS required(name)"
			+ " WHERE name NOT IN (SELECT extname FROM pg_extension) ORDER BY name";

	private final HikariDataSource pool;

	private final Duration timeout;

	private final String[] requiredExtensions;

	private final String applicationName;

	private final ExecutorService executor;

	private Future<Result> inFlight;

	private Connection connection;

	/**
	 * @param dataSource the pool whose server and settings to use
	 * @param timeout longest a caller waits for an answer
	 * @param requiredExtensions extensions that must be installed
	 */
	ServerProbe(HikariDataSource dataSource, Duration timeout, List<String> requiredExtensions) {
		this.pool = dataSource;
		this.timeout = timeout;
		this.requiredExtensions = requiredExtensions.toArray(String[]::new);
		this.applicationName = SideConnections.applicationName(dataSource);
		CustomizableThreadFactory threads = new CustomizableThreadFactory(
				"dbPool-health-" + dataSource.getPoolName() + "-");
		threads.setDaemon(true);
		this.executor = Executors.newSingleThreadExecutor(threads);
	}

	/**
	 * Probes the server, waiting at most the timeout.
	 * @return what the server answered
	 * @throws SQLException if it failed to answer, {@link SQLTimeoutException} if not in time
	 */
	Result run() throws SQLException {
		Future<Result> probe = start();
		try {
			return probe.get(this.timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			throw new SQLTimeoutException("No answer from the server within " + Durations.format(this.timeout));
		}
		catch (ExecutionException ex) {
			throw (ex.getCause() instanceof SQLException cause) ? cause
					: new SQLException(ex.getCause().toString(), ex.getCause());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new SQLException("Interrupted while waiting for the server", ex);
		}
	}

	private synchronized Future<Result> start() {
		if (this.inFlight == null || this.inFlight.isDone()) {
			this.inFlight = this.executor.submit(this::probe);
		}
		return this.inFlight;
	}

	private Result probe() throws SQLException {
		if (this.connection != null) {
			try {
				return query(this.connection);
			}
			catch (SQLException ex) {
				if (!this.connection.isClosed()) {
					throw ex;
				}
				disconnect();
			}
		}
		this.connection = SideConnections.open(this.pool, "health", this.timeout);
		return query(this.connection);
	}

	private Result query(Connection connection) throws SQLException {
		long start = System.nanoTime();
		List<String> missing = new ArrayList<>();
		try (PreparedStatement statement = connection.prepareStatement(Fleet.marker() + QUERY)) {
			statement.setArray(1, connection.createArrayOf("text", this.requiredExtensions));
			try (ResultSet rows = statement.executeQuery()) {
				while (rows.next()) {
					missing.add(rows.getString(1));
				}
			}
		}
		Duration latency = Duration.ofNanos(System.nanoTime() - start);
		String version = connection.unwrap(PGConnection.class).getParameterStatus("server_version");
		Fleet fleet = Fleet.read(connection, this.applicationName);
		return new Result(version, latency, List.copyOf(missing), fleet.otherInstances() + 1);
	}

	private void disconnect() {
		Connection current = this.connection;
		this.connection = null;
		if (current != null) {
			try {
				current.close();
			}
			catch (SQLException ex) {
				// A broken connection has nothing left to release.
			}
		}
	}

	/**
	 * Closes the probe connection on the probe thread, which alone uses it, after any probe in flight.
	 */
	@Override
	public void close() {
		this.executor.execute(this::disconnect);
		this.executor.shutdown();
	}

	/**
	 * What the server answered.
	 *
	 * @param serverVersion {@code server_version}, as reported when the probe connection opened
	 * @param latency round trip of the probe query
	 * @param missingExtensions required extensions not in {@code pg_extension}
	 * @param instances instances of the application seen on the server, this one included
	 */
	record Result(String serverVersion, Duration latency, List<String> missingExtensions, int instances) {

	}

}
