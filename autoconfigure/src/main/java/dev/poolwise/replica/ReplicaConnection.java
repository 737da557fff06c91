package dev.poolwise.replica;

import java.sql.Connection;
import java.sql.SQLException;

import org.jspecify.annotations.Nullable;

/**
 * A connection to a replica, borrowed for a read-only transaction. When a transaction that is not read-only
 * tries to run on it, because the connection was held past its read-only transaction (open-in-view), it is
 * refused here with 25006 and counted, before anything reaches the replica. Failures of the connection
 * itself (SQLSTATE class 08, 57P) are counted as transactions that failed on the replica.
 */
final class ReplicaConnection extends ConnectionHandler {

	private final Replica replica;

	private final Routing routing;

	private boolean readOnly = true;

	private ReplicaConnection(Connection target, Replica replica, Routing routing) {
		super(target);
		this.replica = replica;
		this.routing = routing;
	}

	static Connection wrap(Connection target, Replica replica, Routing routing) {
		return new ReplicaConnection(target, replica, routing).proxy();
	}

	@Override
	void before(String method, @Nullable Object[] args) throws SQLException {
		if (method.equals("setReadOnly") && args != null) {
			this.readOnly = (Boolean) args[0];
		}
		else if (!this.readOnly && createsStatement(method)) {
			this.routing.misrouted(Routing.HELD_REPLICA);
			throw new SQLException("Poolwise refused a transaction that is not read-only on replica '"
					+ this.replica.name() + "': its connection was held past the read-only transaction it was "
					+ "borrowed for (open-in-view?). Set spring.jpa.open-in-view=false.", "25006");
		}
	}

	@Override
	void failed(Throwable failure) {
		if (failure instanceof SQLException ex && ex.getSQLState() != null
				&& (ex.getSQLState().startsWith("08") || ex.getSQLState().startsWith("57P"))) {
			this.routing.failedOn(this.replica.name());
		}
	}

}
