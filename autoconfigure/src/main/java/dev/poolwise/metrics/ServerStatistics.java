package dev.poolwise.metrics;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.poolwise.budget.ConnectionBudget;
import dev.poolwise.budget.Fleet;

/**
 * What the server said about the sessions of one database at one moment: one query, so the numbers agree
 * with each other. Rows of other roles' sessions show a NULL state unless the reading role has
 * {@code pg_read_all_stats}; they still occupy a connection slot and are counted as {@link State#OTHER}.
 *
 * @param sampledAt when the server was asked
 * @param application sessions whose application_name is the pool's, by state
 * @param database all client sessions of the current database, by state, the reader's own included
 * @param maxConnections slots an application may use: max_connections less the reserved ones
 * @param oldestTransactionSeconds age of the oldest open transaction in the database, 0 if none
 * @param oldestQuerySeconds run time of the longest running statement in the database, 0 if none
 * @param waiting sessions waiting for a lock
 * @param allSessionsVisible whether the reading role may see every session's state
 */
public record ServerStatistics(Instant sampledAt, Map<State, Integer> application, Map<State, Integer> database,
		int maxConnections, double oldestTransactionSeconds, double oldestQuerySeconds, int waiting,
		boolean allSessionsVisible) {

	private static final String QUERY = """
			WITH sessions AS (
			    SELECT state, coalesce(application_name = ?, false) AS own, xact_start, query_start, wait_event_type
			    FROM pg_stat_activity
			    WHERE datname = current_database() AND coalesce(backend_type, 'client backend') = 'client backend'
			)
			SELECT t.usable, t.oldest_transaction, t.oldest_query, t.waiting, t.visible, g.state, g.own, g.sessions
			FROM (SELECT %s AS usable,
			             greatest(coalesce(extract(epoch FROM max(now() - xact_start)), 0), 0)::float8
			                 AS oldest_transaction,
			             greatest(coalesce(extract(epoch FROM max(now() - query_start)
			                 FILTER (WHERE state = 'active')), 0), 0)::float8 AS oldest_query,
			             (count(*) FILTER (WHERE wait_event_type = 'Lock'))::int AS waiting,
			             pg_has_role('pg_read_all_stats', 'USAGE') AS visible
			      FROM sessions) t
			LEFT JOIN (SELECT state, own, count(*)::int AS sessions FROM sessions GROUP BY state, own) g ON true
			""".formatted(ConnectionBudget.USABLE_SLOTS_SQL);

	public ServerStatistics {
		application = Collections.unmodifiableMap(new EnumMap<>(application));
		database = Collections.unmodifiableMap(new EnumMap<>(database));
	}

	/**
	 * Reads the statistics in one query.
	 * @param connection a connection to the pool's database
	 * @param applicationName the application_name of the pool's sessions
	 * @return the statistics
	 * @throws SQLException if the server cannot answer
	 */
	public static ServerStatistics read(Connection connection, String applicationName) throws SQLException {
		Map<State, Integer> application = zeros();
		Map<State, Integer> database = zeros();
		try (PreparedStatement statement = connection.prepareStatement(Fleet.marker() + QUERY)) {
			statement.setString(1, applicationName);
			try (ResultSet rows = statement.executeQuery()) {
				rows.next();
				int usable = rows.getInt("usable");
				double oldestTransaction = rows.getDouble("oldest_transaction");
				double oldestQuery = rows.getDouble("oldest_query");
				int waiting = rows.getInt("waiting");
				boolean visible = rows.getBoolean("visible");
				do {
					State state = State.of(rows.getString("state"));
					int sessions = rows.getInt("sessions");
					database.merge(state, sessions, Integer::sum);
					if (rows.getBoolean("own")) {
						application.merge(state, sessions, Integer::sum);
					}
				}
				while (rows.next());
				return new ServerStatistics(Instant.now(), application, database, usable, oldestTransaction,
						oldestQuery, waiting, visible);
			}
		}
	}

	private static Map<State, Integer> zeros() {
		Map<State, Integer> counts = new EnumMap<>(State.class);
		for (State state : State.values()) {
			counts.put(state, 0);
		}
		return counts;
	}

	/**
	 * Sessions in one state.
	 * @param scope whose sessions
	 * @param state the state
	 * @return the count
	 */
	public int sessions(Scope scope, State state) {
		return ((scope == Scope.APPLICATION) ? this.application : this.database).getOrDefault(state, 0);
	}

	/**
	 * Which sessions a count covers.
	 */
	public enum Scope {

		/** Sessions with the pool's application_name, from every replica that shares it. */
		APPLICATION,

		/** Every client session of the current database. */
		DATABASE;

		/**
		 * The value of the {@code scope} tag.
		 * @return the lower-case name
		 */
		public String tag() {
			return name().toLowerCase(Locale.ROOT);
		}

	}

	/**
	 * A session's state, as the {@code state} tag names it.
	 */
	public enum State {

		/** Running a statement. */
		ACTIVE("active"),

		/** Waiting for a command outside a transaction. */
		IDLE("idle"),

		/** Inside a transaction, doing nothing: holding locks and a connection. */
		IDLE_IN_TRANSACTION("idle in transaction"),

		/** Inside a failed transaction that nobody rolled back yet. */
		IDLE_IN_TRANSACTION_ABORTED("idle in transaction (aborted)"),

		/** Fast-path call, disabled tracking, or a state the reading role may not see. */
		OTHER(null);

		private final @Nullable String serverName;

		State(@Nullable String serverName) {
			this.serverName = serverName;
		}

		/**
		 * The value of the {@code state} tag.
		 * @return the lower-case name
		 */
		public String tag() {
			return name().toLowerCase(Locale.ROOT);
		}

		static State of(String serverName) {
			for (State state : values()) {
				if (state.serverName != null && state.serverName.equals(serverName)) {
					return state;
				}
			}
			return OTHER;
		}

	}

}
