package dev.poolwise.failover;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import org.jspecify.annotations.Nullable;

/**
 * The server a connection is on, as that server sees itself: the address and port it accepted the
 * connection on (the real server behind a proxy or a moved host name, not the URL's), and whether it takes
 * writes. A demoted primary fenced with {@code default_transaction_read_only} is not in recovery but is not
 * the primary either.
 *
 * @param address the server's address, or null over a Unix socket
 * @param port the server's port, or null over a Unix socket
 * @param inRecovery whether the server is a standby ({@code pg_is_in_recovery()})
 * @param readOnly whether new transactions are read-only ({@code default_transaction_read_only})
 */
public record ConnectedServer(@Nullable String address, @Nullable Integer port, boolean inRecovery,
		boolean readOnly) {

	private static final String QUERY = "SELECT host(inet_server_addr()), inet_server_port(), pg_is_in_recovery(), "
			+ "current_setting('default_transaction_read_only') = 'on'";

	/**
	 * Asks the server over a connection the caller already holds, such as the health probe's.
	 * @param connection an open connection
	 * @return the server
	 * @throws SQLException if the query fails
	 */
	public static ConnectedServer of(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery(QUERY)) {
			row.next();
			int port = row.getInt(2);
			Integer portOrNull = row.wasNull() ? null : port;
			return new ConnectedServer(row.getString(1), portOrNull, row.getBoolean(3), row.getBoolean(4));
		}
	}

	/**
	 * Whether the server takes writes.
	 * @return true on a primary that is not fenced read-only
	 */
	public boolean isPrimary() {
		return !this.inRecovery && !this.readOnly;
	}

	/**
	 * The server as {@code address:port}, for health details and the endpoint.
	 * @return the description, {@code local socket} over a Unix socket
	 */
	public String describe() {
		return (this.address != null) ? this.address + ":" + this.port : "local socket";
	}

}
