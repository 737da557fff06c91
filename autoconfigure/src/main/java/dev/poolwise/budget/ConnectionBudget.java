package dev.poolwise.budget;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import org.jspecify.annotations.Nullable;

/**
 * The server's connection slots as seen at startup, against what the application's replicas may open.
 * Slots reserved for superusers (and, from PostgreSQL 16, for roles with pg_use_reserved_connections)
 * are not available to an application pool.
 *
 * @param maxConnections the server's max_connections
 * @param superuserReserved superuser_reserved_connections
 * @param reserved reserved_connections, 0 before PostgreSQL 16
 * @param inUse client connections open before this pool, not counting the one that measured them
 */
public record ConnectionBudget(int maxConnections, int superuserReserved, int reserved, int inUse) {

	/**
	 * The slots an application may use, as a SQL expression for queries that read it beside other numbers (the
	 * server statistics, autosizing's fleet claims): {@code max_connections} less the reserved slots, as
	 * {@link #usable()} computes it from the settings read one by one.
	 */
	public static final String USABLE_SLOTS_SQL = """
			(current_setting('max_connections')::int - current_setting('superuser_reserved_connections')::int
			 - coalesce(current_setting('reserved_connections', true)::int, 0))""";

	/**
	 * The rows of {@code pg_stat_activity} that take a connection slot, as a SQL condition. A role without
	 * {@code pg_read_all_stats} sees other roles' sessions with most columns empty, {@code backend_type} too, so
	 * a row it cannot see into counts as a client connection when it belongs to a database: the server's own
	 * processes (writer, checkpointer, launchers) belong to none. That errs on the safe side: a background
	 * worker of another role in a database is counted too.
	 */
	public static final String CLIENT_BACKEND_SQL = """
			(backend_type = 'client backend' OR (backend_type IS NULL AND datid IS NOT NULL))""";

	private static final String QUERY = """
			SELECT current_setting('max_connections')::int,
			       current_setting('superuser_reserved_connections')::int,
			       coalesce(current_setting('reserved_connections', true)::int, 0),
			       (SELECT count(*) FROM pg_stat_activity WHERE %s)::int - 1
			""".formatted(CLIENT_BACKEND_SQL);

	private static final String UNSEEN = """
			SELECT current_user::text, pg_has_role(current_user, 'pg_read_all_stats', 'USAGE'),
			       (SELECT count(*) FROM pg_stat_activity WHERE backend_type IS NULL AND datid IS NOT NULL)::int
			""";

	/**
	 * Reads the budget over the given connection, which is not counted as in use.
	 * @param connection a connection to the server
	 * @return the budget
	 * @throws SQLException if the settings cannot be read
	 */
	public static ConnectionBudget read(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery(QUERY)) {
			row.next();
			return new ConnectionBudget(row.getInt(1), row.getInt(2), row.getInt(3), Math.max(0, row.getInt(4)));
		}
	}

	/**
	 * Whether the connection's role sees every session in {@code pg_stat_activity}, and if not, what that means
	 * for the count of connections in use, in one sentence for the startup log.
	 * @param connection a connection to the server
	 * @return the sentence, or null when the role sees every session
	 * @throws SQLException if the server cannot be read
	 */
	public static @Nullable String unseen(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery(UNSEEN)) {
			row.next();
			if (row.getBoolean(2)) {
				return null;
			}
			String role = row.getString(1);
			return "role " + role + " cannot see into other roles' sessions in pg_stat_activity (no "
					+ "pg_read_all_stats), so the " + row.getInt(3) + " of them open now, and any later, count as "
					+ "connections in use, which may overstate them; GRANT pg_read_all_stats TO " + role
					+ " for an exact count";
		}
	}

	/**
	 * The budget with connections that are already counted elsewhere (other pools of this JVM, whose
	 * maximum is counted in full) taken out of {@code inUse}.
	 * @param connections connections to stop counting as in use
	 * @return the adjusted budget
	 */
	public ConnectionBudget excluding(int connections) {
		return new ConnectionBudget(this.maxConnections, this.superuserReserved, this.reserved,
				Math.max(0, this.inUse - connections));
	}

	/**
	 * Slots an application may use at all, whatever is in use.
	 * @return max_connections less the reserved slots
	 */
	public int usable() {
		return this.maxConnections - this.superuserReserved - this.reserved;
	}

	/**
	 * Slots an application may still open.
	 * @return max_connections less reserved slots and connections in use, never negative
	 */
	public int available() {
		return Math.max(0, usable() - this.inUse);
	}

	/**
	 * Whether the replicas' pools fit in what is left.
	 * @param instances replicas
	 * @param maxPoolSize connections each replica may open
	 * @return true if {@code instances × maxPoolSize <= available()}
	 */
	public boolean fits(int instances, int maxPoolSize) {
		return (long) instances * maxPoolSize <= available();
	}

	/**
	 * The largest pool each replica can have within the budget.
	 * @param instances replicas
	 * @return connections per replica, possibly 0
	 */
	public int maxPoolSizePerInstance(int instances) {
		return available() / instances;
	}

	/**
	 * The numbers behind {@link #available()}, for log lines and error messages.
	 * @return e.g. {@code max_connections=100 - 3 superuser_reserved - 0 reserved - 12 in use = 85}
	 */
	public String explain() {
		return "max_connections=" + this.maxConnections + " - " + this.superuserReserved + " superuser_reserved - "
				+ this.reserved + " reserved - " + this.inUse + " in use = " + available();
	}

}
