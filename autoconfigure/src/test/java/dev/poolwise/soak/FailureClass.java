package dev.poolwise.soak;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

import org.jspecify.annotations.Nullable;

/**
 * The kinds of failure the failure-behaviour documentation promises a caller, by exception type and
 * SQLSTATE. A failed call that is none of these, or not one its fault documents, fails the soak.
 */
public enum FailureClass {

	/**
	 * Hikari gave no connection within {@code timeout}: {@link SQLTransientConnectionException}.
	 */
	POOL_TIMEOUT,

	/**
	 * The connection or its server is gone: SQLSTATE class {@code 08}.
	 */
	CONNECTION_LOST,

	/**
	 * The server ended the session or is shutting down or starting: {@code 57P01}, {@code 57P02},
	 * {@code 57P03}.
	 */
	SESSION_ENDED,

	/**
	 * A write reached a server that takes no writes: {@code 25006}.
	 */
	READ_ONLY;

	/**
	 * The class of a failure.
	 * @param failure what a call threw
	 * @return its class, or null when the documentation promises no such failure
	 */
	public static @Nullable FailureClass of(SQLException failure) {
		if (failure instanceof SQLTransientConnectionException) {
			return POOL_TIMEOUT;
		}
		String state = failure.getSQLState();
		if (state == null) {
			return null;
		}
		if (state.startsWith("08")) {
			return CONNECTION_LOST;
		}
		if (state.equals("57P01") || state.equals("57P02") || state.equals("57P03")) {
			return SESSION_ENDED;
		}
		return state.equals("25006") ? READ_ONLY : null;
	}

}
