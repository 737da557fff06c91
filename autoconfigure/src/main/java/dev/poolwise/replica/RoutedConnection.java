package dev.poolwise.replica;

import java.sql.Connection;
import java.sql.SQLException;

import org.jspecify.annotations.Nullable;

/**
 * The application's view of one connection of the routing: Spring's lazy connection, whose physical
 * connection is fetched at the first statement, and which keeps that connection, primary or replica, for as
 * long as the application holds it, ignoring later read-only switches. This handler sees those switches:
 * a read-only transaction that begins on a held primary connection is counted and logged as misrouted, and a
 * transaction that is not read-only is refused from the start on a held read-only connection, where its first
 * write would fail with 25006 anyway. It also keeps the isolation the transaction asked for, which a hot
 * standby cannot give at SERIALIZABLE.
 */
final class RoutedConnection extends ConnectionHandler {

	private final Routing routing;

	private final ThreadLocal<@Nullable RoutedConnection> fetching;

	private boolean readOnly;

	private @Nullable Boolean fetchedReadOnly;

	private int isolation;

	private RoutedConnection(Connection lazy, Routing routing, ThreadLocal<@Nullable RoutedConnection> fetching,
			int isolation) {
		super(lazy);
		this.routing = routing;
		this.fetching = fetching;
		this.isolation = isolation;
	}

	static Connection wrap(Connection lazy, Routing routing, ThreadLocal<@Nullable RoutedConnection> fetching,
			int isolation) {
		return new RoutedConnection(lazy, routing, fetching, isolation).proxy();
	}

	/**
	 * Whether the transaction under way asked for SERIALIZABLE, which only the primary serves.
	 * @return true at {@link Connection#TRANSACTION_SERIALIZABLE}
	 */
	boolean serializable() {
		return this.isolation == Connection.TRANSACTION_SERIALIZABLE;
	}

	/**
	 * Called by the data source that hands out the physical connection, on this thread, while this
	 * handler's call is under way.
	 * @param readOnly whether it was fetched for a read-only transaction
	 */
	void fetched(boolean readOnly) {
		this.fetchedReadOnly = readOnly;
	}

	@Override
	void before(String method, @Nullable Object[] args) throws SQLException {
		if (method.equals("setTransactionIsolation") && args != null && args[0] instanceof Integer level) {
			this.isolation = level;
		}
		else if (method.equals("setReadOnly") && args != null) {
			this.readOnly = Boolean.TRUE.equals(args[0]);
			if (this.readOnly && Boolean.FALSE.equals(this.fetchedReadOnly)) {
				this.routing.misrouted(Routing.HELD_PRIMARY);
			}
		}
		else if (method.equals("setAutoCommit") && args != null && Boolean.FALSE.equals(args[0]) && !this.readOnly
				&& Boolean.TRUE.equals(this.fetchedReadOnly)) {
			this.routing.misrouted(Routing.HELD_REPLICA);
			throw new SQLException("Poolwise refused a transaction that is not read-only on a read-only connection "
					+ "(a replica, or the primary standing in for one) that was held past the read-only transaction "
					+ "it was fetched for, by open-in-view or a connection held across transactions. Set "
					+ "spring.jpa.open-in-view=false, or end the read-only work before the write begins.", "25006");
		}
		this.fetching.set(this);
	}

	@Override
	void after(String method, @Nullable Object[] args) {
		this.fetching.remove();
	}

}
