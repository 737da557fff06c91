package dev.poolwise.test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * One-value queries on a side connection, which they close.
 */
final class Sql {

	private Sql() {
	}

	static String queryString(Connection connection, String sql) throws SQLException {
		try (connection; Statement statement = connection.createStatement();
				ResultSet row = statement.executeQuery(sql)) {
			return row.next() ? row.getString(1) : null;
		}
	}

}
