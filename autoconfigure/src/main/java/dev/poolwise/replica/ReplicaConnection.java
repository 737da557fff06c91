package dev.poolwise.replica;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * A connection to a replica, borrowed for a read-only transaction. A call on it that fails because the
 * connection broke (SQLSTATE class 08, 57P: the replica stopped or went away) is counted and takes the
 * replica out of rotation at once, so the other connections its pool holds to the stopped server are not
 * lent out before the monitor's next check.
 */
final class ReplicaConnection extends ConnectionHandler {

	private final Replica replica;

	private final Routing routing;

	private ReplicaConnection(Connection target, Replica replica, Routing routing) {
		super(target);
		this.replica = replica;
		this.routing = routing;
	}

	static Connection wrap(Connection target, Replica replica, Routing routing) {
		return new ReplicaConnection(target, replica, routing).proxy();
	}

	@Override
	void failed(Throwable failure) {
		if (failure instanceof SQLException ex && ex.getSQLState() != null
				&& (ex.getSQLState().startsWith("08") || ex.getSQLState().startsWith("57P"))) {
			this.routing.failedOn(this.replica.name());
			this.replica.unreachable("a connection broke (" + ex.getSQLState() + ": " + ex.getMessage() + ")");
		}
	}

}
