package dev.poolwise.holders;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.poolwise.budget.Fleet;

/**
 * What a holder's backend is doing, as {@code pg_stat_activity} says. The query text is not read: a holder's
 * report goes to the log, where query texts, which may carry values, never go.
 *
 * @param pid the backend's process id
 * @param state the server's state, e.g. {@code idle in transaction}
 * @param stateSeconds how long it has been in that state
 * @param transactionSeconds age of its open transaction, null outside one
 * @param waitEventType what kind of thing it waits for, e.g. {@code Lock}, or null
 * @param waitEvent what it waits for, or null
 */
public record Backend(int pid, String state, double stateSeconds, @Nullable Double transactionSeconds,
		@Nullable String waitEventType, @Nullable String waitEvent) {

	private static final String QUERY = """
			SELECT pid, coalesce(state, 'unknown') AS state, wait_event_type, wait_event,
			       greatest(coalesce(extract(epoch FROM now() - state_change), 0), 0)::float8 AS state_seconds,
			       extract(epoch FROM now() - xact_start)::float8 AS transaction_seconds
			FROM pg_stat_activity
			WHERE pid = ANY (?)
			""";

	/**
	 * Reads the backends of some pids in one query.
	 * @param connection a connection beside the pool
	 * @param pids the backends
	 * @return the backends found, by pid; a pid whose session ended is missing
	 * @throws SQLException if the server cannot answer
	 */
	public static Map<Integer, Backend> read(Connection connection, Collection<Integer> pids) throws SQLException {
		Map<Integer, Backend> backends = new HashMap<>();
		if (pids.isEmpty()) {
			return backends;
		}
		Array array = connection.createArrayOf("int4", pids.toArray());
		try (PreparedStatement statement = connection.prepareStatement(Fleet.marker() + QUERY)) {
			statement.setArray(1, array);
			try (ResultSet rows = statement.executeQuery()) {
				while (rows.next()) {
					Backend backend = new Backend(rows.getInt("pid"), rows.getString("state"),
							rows.getDouble("state_seconds"), (Double) rows.getObject("transaction_seconds"),
							rows.getString("wait_event_type"), rows.getString("wait_event"));
					backends.put(backend.pid(), backend);
				}
			}
		}
		finally {
			array.free();
		}
		return backends;
	}

	/**
	 * The kind of state, for grouping: {@code running a query}, {@code idle in transaction}, {@code idle
	 * outside a transaction}.
	 * @return the kind
	 */
	public String kind() {
		return switch (this.state) {
			case "active" -> "running a query";
			case "idle" -> "idle outside a transaction";
			case "idle in transaction" -> "idle in transaction";
			case "idle in transaction (aborted)" -> "idle in a failed transaction";
			default -> this.state;
		};
	}

	/**
	 * What the backend is waiting for, if anything.
	 * @return e.g. {@code Lock:transactionid}, or null
	 */
	public @Nullable String waitingFor() {
		if (this.waitEventType == null) {
			return null;
		}
		return this.waitEventType + ((this.waitEvent != null) ? ":" + this.waitEvent : "");
	}

	/**
	 * The state in words.
	 * @return e.g. {@code running a query for 12.1 s, waiting on Lock:transactionid}
	 */
	public String describe() {
		String waiting = waitingFor();
		return kind() + " for " + seconds(this.stateSeconds)
				+ ((waiting != null && "active".equals(this.state)) ? ", waiting on " + waiting : "");
	}

	static String seconds(double seconds) {
		return String.format(Locale.ROOT, "%.1f s", seconds);
	}

}
