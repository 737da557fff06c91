package dev.poolwise.budget;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import dev.poolwise.net.SideConnections;
import dev.poolwise.registry.JvmPoolRegistry;

/**
 * The other instances of the application on the server, counted from Poolwise's own side connections. The
 * pool's sessions cannot tell instances apart (they share the application_name, and on one host the client
 * address too), so each instance marks the statements its health probe and server sampler run with the
 * JVM's instance id, {@code /* poolwise instance <id> *}{@code /}, which {@code pg_stat_activity.query} shows
 * while the connection sits idle after it. Counting distinct ids counts JVMs, not pools, so the pools of one
 * JVM (already counted by the {@link JvmPoolRegistry}) are never counted twice.
 * <p>
 * Limits: an instance is seen only while its probe or sampler connection is open (the sampler connects at
 * startup and is on by default; the probe after the first health call), only by a role that may read its
 * query text (the same role, or {@code pg_read_all_stats}), and only if it runs this version of Poolwise.
 * The count is therefore a floor, which is why the budget takes the larger of it and db.pool.instances.
 *
 * @param otherInstances instances seen other than this JVM
 * @param applicationSessions sessions named exactly like the pool's, of every instance including this one
 */
public record Fleet(int otherInstances, int applicationSessions) {

	private static final String QUERY = """
			SELECT (count(DISTINCT s.marker[1]) FILTER (WHERE s.marker[1] <> ?))::int,
			       (count(*) FILTER (WHERE s.application_name = ?))::int
			FROM (SELECT application_name,
			             regexp_match(query, '^/\\* poolwise instance ([0-9a-f]+) \\*/') AS marker
			      FROM pg_stat_activity
			      WHERE application_name IN (?, ?, ?)) s
			""";

	/**
	 * The comment that marks a statement as run by this JVM's side connections; prefix it to the statement.
	 * @return e.g. {@code /* poolwise instance 3f2a... *}{@code / }
	 */
	public static String marker() {
		return "/* poolwise instance " + JvmPoolRegistry.get().instanceId() + " */ ";
	}

	/**
	 * Counts the other instances.
	 * @param connection a connection to the server
	 * @param applicationName the application_name of the pool's sessions
	 * @return what the server shows
	 * @throws SQLException if pg_stat_activity cannot be read
	 */
	public static Fleet read(Connection connection, String applicationName) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement(marker() + QUERY)) {
			statement.setString(1, JvmPoolRegistry.get().instanceId());
			statement.setString(2, applicationName);
			statement.setString(3, applicationName);
			statement.setString(4, SideConnections.name(applicationName, SideConnections.HEALTH));
			statement.setString(5, SideConnections.name(applicationName, SideConnections.MONITOR));
			try (ResultSet row = statement.executeQuery()) {
				row.next();
				return new Fleet(row.getInt(1), row.getInt(2));
			}
		}
	}

	/**
	 * The instances counted on the server: the others and this one.
	 * @return {@code otherInstances + 1}
	 */
	public int counted() {
		return this.otherInstances + 1;
	}

}
