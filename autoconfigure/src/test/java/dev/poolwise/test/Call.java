package dev.poolwise.test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import javax.sql.DataSource;

/**
 * What one caller saw: how long its call took and the exception it got, if any. Fault tests assert on
 * both, because the promise is a working connection or a clear exception within a bound.
 *
 * @param elapsed time from the call to its return or exception
 * @param failure the {@link SQLException}, or null when the call succeeded
 */
public record Call(Duration elapsed, Throwable failure) {

	/**
	 * Times an action.
	 * @param action the call
	 * @return its outcome
	 */
	public static Call of(Action action) {
		long start = System.nanoTime();
		Throwable failure = null;
		try {
			action.run();
		}
		catch (SQLException ex) {
			failure = ex;
		}
		return new Call(Duration.ofNanos(System.nanoTime() - start), failure);
	}

	/**
	 * Times borrowing a connection, running a statement on it and giving it back.
	 * @param dataSource the pool
	 * @param sql the statement
	 * @return the outcome
	 */
	public static Call execute(DataSource dataSource, String sql) {
		return of(() -> {
			try (Connection connection = dataSource.getConnection();
					Statement statement = connection.createStatement()) {
				statement.execute(sql);
			}
		});
	}

	/**
	 * Times a statement on a connection the caller holds.
	 * @param connection the connection
	 * @param sql the statement
	 * @return the outcome
	 */
	public static Call execute(Connection connection, String sql) {
		return of(() -> {
			try (Statement statement = connection.createStatement()) {
				statement.execute(sql);
			}
		});
	}

	public boolean succeeded() {
		return this.failure == null;
	}

	/**
	 * The SQLSTATE of the failure, which tells a caller (and Hikari) what went wrong.
	 * @return the SQLSTATE, or null when the call succeeded or the driver gave none
	 */
	public String sqlState() {
		return (this.failure instanceof SQLException ex) ? ex.getSQLState() : null;
	}

	/**
	 * A call to the database.
	 */
	@FunctionalInterface
	public interface Action {

		void run() throws SQLException;

	}

}
