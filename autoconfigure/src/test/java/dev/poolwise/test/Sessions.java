package dev.poolwise.test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Server sessions in a chosen state, opened beside the pool under test, as another replica of the same
 * application would.
 */
public final class Sessions {

	private Sessions() {
	}

	/**
	 * A session that began a transaction and then did nothing, holding it open until closed.
	 * @param applicationName the application_name it shows
	 * @return the open session
	 * @throws SQLException if the server refuses
	 */
	public static Connection idleInTransaction(String applicationName) throws SQLException {
		Connection connection = PostgresServer.connect();
		connection.setClientInfo("ApplicationName", applicationName);
		connection.setAutoCommit(false);
		execute(connection, "SELECT 1");
		return connection;
	}

	/**
	 * Runs one statement and discards any result.
	 * @param connection where to run it
	 * @param sql the statement
	 * @throws SQLException if it fails
	 */
	public static void execute(Connection connection, String sql) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
	}

}
