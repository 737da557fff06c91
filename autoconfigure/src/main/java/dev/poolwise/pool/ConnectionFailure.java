package dev.poolwise.pool;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Locale;
import java.util.Set;

import javax.net.ssl.SSLException;

import org.jspecify.annotations.Nullable;

/**
 * Why a connection could not be opened, read from the SQLState the server sent or the network error
 * underneath the driver's exception. Each cause has its own fix, so startup and a request that timed out
 * during an outage can both say which one it is.
 */
public enum ConnectionFailure {

	/**
	 * The server refused the password (28P01), or the role, since password authentication does not tell.
	 */
	WRONG_PASSWORD("the server refused the password"),

	/**
	 * The role does not exist or pg_hba.conf has no entry that lets it in (28000).
	 */
	ROLE_REJECTED("the server refused the role"),

	/**
	 * The database named in the URL does not exist (3D000).
	 */
	UNKNOWN_DATABASE("the database does not exist"),

	/**
	 * The server has no connection slot left (53300).
	 */
	TOO_MANY_CONNECTIONS("the server has no connection slot left"),

	/**
	 * Nothing listens at the host and port.
	 */
	REFUSED("connection refused"),

	/**
	 * The host name does not resolve.
	 */
	UNKNOWN_HOST("unknown host"),

	/**
	 * The server did not answer in time.
	 */
	TIMED_OUT("connecting timed out"),

	/**
	 * The TLS handshake or the server's certificate failed.
	 */
	TLS("TLS failed"),

	/**
	 * Anything else.
	 */
	OTHER("the connection failed");

	private final String summary;

	ConnectionFailure(String summary) {
		this.summary = summary;
	}

	/**
	 * A few words for the cause.
	 * @return e.g. {@code connection refused}
	 */
	public String summary() {
		return this.summary;
	}

	/**
	 * Classifies a failure to connect, the server's SQLState first, then the network error behind it.
	 * @param error what the driver threw
	 * @return the cause
	 */
	public static ConnectionFailure of(Throwable error) {
		ConnectionFailure network = OTHER;
		Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
		for (Throwable cause = error; cause != null && seen.add(cause); cause = cause.getCause()) {
			ConnectionFailure byState = (cause instanceof SQLException sql) ? ofState(sql.getSQLState()) : OTHER;
			if (byState != OTHER) {
				return byState;
			}
			if (network == OTHER) {
				network = ofNetwork(cause);
			}
		}
		return network;
	}

	private static ConnectionFailure ofState(@Nullable String state) {
		if (state == null) {
			return OTHER;
		}
		return switch (state) {
			case "28P01" -> WRONG_PASSWORD;
			case "28000" -> ROLE_REJECTED;
			case "3D000" -> UNKNOWN_DATABASE;
			case "53300" -> TOO_MANY_CONNECTIONS;
			default -> OTHER;
		};
	}

	private static ConnectionFailure ofNetwork(Throwable cause) {
		if (cause instanceof SSLException) {
			return TLS;
		}
		if (cause instanceof ConnectException) {
			return REFUSED;
		}
		if (cause instanceof UnknownHostException) {
			return UNKNOWN_HOST;
		}
		if (cause instanceof SocketTimeoutException) {
			return TIMED_OUT;
		}
		String message = String.valueOf(cause.getMessage()).toLowerCase(Locale.ROOT);
		if (message.contains("ssl")) {
			return TLS;
		}
		return message.contains("timed out") ? TIMED_OUT : OTHER;
	}

}
