package dev.poolwise.endpoint;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.poolwise.metrics.ServerStatistics;
import dev.poolwise.metrics.ServerStatistics.Scope;
import dev.poolwise.metrics.ServerStatistics.State;

/**
 * The server's sessions as the endpoint shows them: the counts the meters sample, read fresh, and the
 * sessions that have been busy the longest.
 *
 * @param sampledAt when the server was asked: the endpoint reuses a read for
 * {@code management.endpoint.dbpool.sample-ttl}
 * @param sessions session counts by scope ({@code application}, {@code database}) and state
 * @param maxConnections slots an application may use
 * @param oldestTransactionSeconds age of the oldest open transaction in the database
 * @param oldestQuerySeconds run time of the longest running statement in the database
 * @param waiting sessions waiting for a lock
 * @param allSessionsVisible whether the pool's role may see every session's state
 * @param longestRunning up to ten sessions that are not idle, longest transaction first
 */
public record ServerReport(Instant sampledAt, Map<String, Map<String, Integer>> sessions, int maxConnections,
		double oldestTransactionSeconds, double oldestQuerySeconds, int waiting, boolean allSessionsVisible,
		List<RunningSession> longestRunning) {

	private static final String LONGEST_RUNNING = """
			SELECT pid, application_name, state, wait_event_type, wait_event, query,
			       extract(epoch FROM now() - xact_start)::float8 AS transaction_seconds,
			       extract(epoch FROM now() - query_start)::float8 AS query_seconds
			FROM pg_stat_activity
			WHERE datname = current_database() AND backend_type = 'client backend'
			  AND state <> 'idle' AND pid <> pg_backend_pid()
			ORDER BY coalesce(xact_start, query_start) NULLS LAST
			LIMIT 10
			""";

	/**
	 * Reads the report.
	 * @param connection a connection outside the pool
	 * @param applicationName the application_name of the pool's sessions
	 * @return the report, with query texts and application names as the server gave them
	 * @throws SQLException if the server cannot answer
	 */
	static ServerReport read(Connection connection, String applicationName) throws SQLException {
		ServerStatistics statistics = ServerStatistics.read(connection, applicationName);
		Map<String, Map<String, Integer>> sessions = new LinkedHashMap<>();
		for (Scope scope : Scope.values()) {
			Map<String, Integer> byState = new LinkedHashMap<>();
			for (State state : State.values()) {
				byState.put(state.tag(), statistics.sessions(scope, state));
			}
			sessions.put(scope.tag(), byState);
		}
		return new ServerReport(statistics.sampledAt(), sessions, statistics.maxConnections(),
				statistics.oldestTransactionSeconds(), statistics.oldestQuerySeconds(), statistics.waiting(),
				statistics.allSessionsVisible(), longestRunning(connection));
	}

	/**
	 * The report as one caller may see it: query texts, and the names of other applications' sessions, are
	 * values.
	 * @param disclosure what the caller may see
	 * @param applicationName the application_name of the pool's sessions, whose own side connections are
	 * named after it
	 * @return the report
	 */
	ServerReport disclosed(Disclosure disclosure, String applicationName) {
		List<RunningSession> sessions = this.longestRunning.stream()
			.map((session) -> new RunningSession(session.pid(),
					isOwn(session.applicationName(), applicationName) ? session.applicationName()
							: disclosure.text(session.applicationName()),
					session.state(), session.transactionSeconds(), session.querySeconds(), session.waitEventType(),
					session.waitEvent(), disclosure.text(session.query())))
			.toList();
		return new ServerReport(this.sampledAt, this.sessions, this.maxConnections, this.oldestTransactionSeconds,
				this.oldestQuerySeconds, this.waiting, this.allSessionsVisible, sessions);
	}

	private static boolean isOwn(@Nullable String name, String applicationName) {
		return name != null && (name.equals(applicationName) || name.startsWith(applicationName + " (dbPool "));
	}

	private static List<RunningSession> longestRunning(Connection connection) throws SQLException {
		List<RunningSession> sessions = new ArrayList<>();
		try (PreparedStatement statement = connection.prepareStatement(LONGEST_RUNNING);
				ResultSet rows = statement.executeQuery()) {
			while (rows.next()) {
				sessions.add(new RunningSession(rows.getInt("pid"), rows.getString("application_name"),
						rows.getString("state"), (Double) rows.getObject("transaction_seconds"),
						(Double) rows.getObject("query_seconds"), rows.getString("wait_event_type"),
						rows.getString("wait_event"), rows.getString("query")));
			}
		}
		return sessions;
	}

	/**
	 * A session that is running a statement or sitting in a transaction.
	 *
	 * @param pid the server process
	 * @param applicationName its application_name; another application's is {@code ******} unless
	 * show-values allows it
	 * @param state its state as the server names it
	 * @param transactionSeconds age of its transaction, null outside one
	 * @param querySeconds time since its current or last statement started
	 * @param waitEventType what kind of thing it waits for, e.g. Lock, or null
	 * @param waitEvent what it waits for, or null
	 * @param query the statement text, or {@code ******} unless show-values allows it
	 */
	public record RunningSession(int pid, @Nullable String applicationName, @Nullable String state,
			@Nullable Double transactionSeconds, @Nullable Double querySeconds, @Nullable String waitEventType,
			@Nullable String waitEvent, @Nullable String query) {

	}

}
