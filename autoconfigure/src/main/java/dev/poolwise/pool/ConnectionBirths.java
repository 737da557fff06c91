package dev.poolwise.pool;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * When each of a pool's physical connections started to be opened, so that the connections opened before a
 * moment (a certificate rotation) can be told from those opened after it. Hikari does not expose its
 * entries' ages; the connections are held weakly, so a closed one leaves without being told.
 */
public final class ConnectionBirths {

	private final Map<Connection, Long> started = new WeakHashMap<>();

	/**
	 * Notes a new physical connection.
	 * @param connection the driver's connection
	 * @param startedNanos {@link System#nanoTime()} before it was opened
	 */
	public synchronized void born(Connection connection, long startedNanos) {
		this.started.put(connection, startedNanos);
	}

	/**
	 * Open connections whose opening started before a moment.
	 * @param nanos a {@link System#nanoTime()}
	 * @return the connections, oldest material first
	 */
	public synchronized List<Connection> before(long nanos) {
		List<Connection> older = new ArrayList<>();
		this.started.forEach((connection, start) -> {
			if (start - nanos < 0 && isOpen(connection)) {
				older.add(connection);
			}
		});
		return older;
	}

	/**
	 * Whether a physical connection was opened before a moment.
	 * @param connection the driver's connection
	 * @param nanos a {@link System#nanoTime()}
	 * @return true if it is known and older
	 */
	public synchronized boolean isBefore(Connection connection, long nanos) {
		Long start = this.started.get(connection);
		return start != null && start - nanos < 0;
	}

	private static boolean isOpen(Connection connection) {
		try {
			return !connection.isClosed();
		}
		catch (SQLException ex) {
			return false;
		}
	}

}
