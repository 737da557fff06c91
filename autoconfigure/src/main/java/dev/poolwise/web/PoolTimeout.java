package dev.poolwise.web;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import dev.poolwise.pool.ConnectionFailure;

/**
 * A request that got no connection from a Hikari pool within the pool's connection timeout, or that the pool
 * turned away at once because as many waited as its bound allows, found in the cause chain of whatever
 * exception the application saw.
 * <p>
 * Hikari reports it as an {@link SQLTransientConnectionException} with a fixed message, {@code <pool> -
 * Connection is not available, request timed out after <n>ms}. The message is what tells it apart from other
 * transient connection errors (a driver's or another pool's), and it names the pool and the time waited, so
 * no pool bean has to be looked up.
 *
 * <p>
 * When the pool's last attempt to open a connection failed, Hikari puts that failure behind its timeout as the
 * cause: the request then waited because the server could not be reached, not because the pool was busy.
 *
 * @param pool the pool's name, which Poolwise sets to the DataSource bean name
 * @param waited how long the request waited, about the pool's connection timeout
 * @param surfacedThrough the layer that the application saw the timeout through
 * @param lastConnectionError the pool's last failure to open a connection, or null when there was none
 * @param turnedAway why the request was turned away at once without waiting (e.g. {@code 20 borrows were
 * waiting, the most db.pool.queue.max-waiting=20 allows}), or null when it waited the timeout
 */
public record PoolTimeout(String pool, Duration waited, Layer surfacedThrough,
		@Nullable Throwable lastConnectionError, @Nullable String turnedAway) {

	PoolTimeout(String pool, Duration waited, Layer surfacedThrough) {
		this(pool, waited, surfacedThrough, null, null);
	}

	private static final Pattern HIKARI_TIMEOUT = Pattern
		.compile("^(.*) - Connection is not available, request timed out after (\\d+)ms");

	/** Poolwise's waiting line turning a borrow away at once: {@code dev.poolwise.pool.WaitingLine}. */
	/** How a pool's report of a dry episode begins where it says who held the pool. */
	private static final String HELD = "Held longest first: ";

	private static final Pattern TURNED_AWAY = Pattern
		.compile("^(.*) - Connection is not available, turned away at once: (\\d+ borrows were waiting, the most "
				+ "\\S+ allows)");

	/**
	 * Finds a Hikari pool timeout behind an exception.
	 * @param exception what the application saw
	 * @return the timeout, or {@code null} when the exception was not caused by one
	 */
	public static @Nullable PoolTimeout of(Throwable exception) {
		Layer layer = Layer.JDBC;
		Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
		for (Throwable cause = exception; cause != null && seen.add(cause); cause = cause.getCause()) {
			layer = layer.max(Layer.of(cause));
			if (cause instanceof SQLTransientConnectionException && cause.getMessage() != null) {
				Matcher matcher = HIKARI_TIMEOUT.matcher(cause.getMessage());
				if (matcher.lookingAt()) {
					return new PoolTimeout(matcher.group(1), Duration.ofMillis(Long.parseLong(matcher.group(2))),
							layer, cause.getCause(), null);
				}
				Matcher away = TURNED_AWAY.matcher(cause.getMessage());
				if (away.lookingAt()) {
					return new PoolTimeout(away.group(1), Duration.ZERO, layer, null, away.group(2));
				}
			}
		}
		return null;
	}

	/**
	 * Who held the pool, as its report of the episode says it, when the pool's exception carries it (the
	 * borrows that failed after the episode's report was made): for the log, never for a client, since it names
	 * the application's code and threads.
	 * @param exception what the application saw
	 * @return e.g. {@code Held longest first: 3 of 3 held from `OrderService.export`, ...}, or null
	 */
	public static @Nullable String whoHeld(Throwable exception) {
		Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
		for (Throwable cause = exception; cause != null && seen.add(cause); cause = cause.getCause()) {
			String message = cause.getMessage();
			if (cause instanceof SQLTransientConnectionException && message != null && message.contains(HELD)) {
				return message.substring(message.indexOf(HELD));
			}
		}
		return null;
	}

	/**
	 * The last connection error for the log: its SQLState and the driver's message.
	 * @return the description, or null when the pool had no connection error
	 */
	public @Nullable String describeLastConnectionError() {
		Throwable error = this.lastConnectionError;
		if (error == null) {
			return null;
		}
		return state(error) + ((error.getMessage() != null) ? error.getMessage() : error.getClass().getName());
	}

	/**
	 * The last connection error for a client: its cause and SQLState, without the driver's message, which
	 * names hosts and roles.
	 * @return e.g. {@code connection refused (SQLState 08001)}, or null when the pool had no connection error
	 */
	public @Nullable String summarizeLastConnectionError() {
		Throwable error = this.lastConnectionError;
		if (error == null) {
			return null;
		}
		String state = state(error);
		return ConnectionFailure.of(error).summary()
				+ (state.isEmpty() ? "" : " (" + state.substring(0, state.length() - 2) + ")");
	}

	private static String state(Throwable error) {
		return (error instanceof SQLException sql && sql.getSQLState() != null)
				? "SQLState " + sql.getSQLState() + ": " : "";
	}

	/**
	 * Where a pool timeout surfaced: as JDBC's exception itself, translated by Spring
	 * ({@code CannotGetJdbcConnectionException}, {@code CannotCreateTransactionException}), or through JPA or
	 * Hibernate ({@code PersistenceException}, {@code JDBCConnectionException}). When Spring wraps a JPA
	 * exception, JPA is named, as the more specific of the two.
	 */
	public enum Layer {

		/**
		 * Hikari's {@link SQLTransientConnectionException}, unwrapped.
		 */
		JDBC,

		/**
		 * A Spring data access or transaction exception.
		 */
		SPRING,

		/**
		 * A JPA or Hibernate exception.
		 */
		JPA;

		/**
		 * By package name, so that neither JPA nor Hibernate needs to be on the classpath.
		 */
		static Layer of(Throwable exception) {
			String name = exception.getClass().getName();
			if (name.startsWith("jakarta.persistence.") || name.startsWith("org.hibernate.")) {
				return JPA;
			}
			return name.startsWith("org.springframework.") ? SPRING : JDBC;
		}

		Layer max(Layer other) {
			return (other.compareTo(this) > 0) ? other : this;
		}

	}

}
