package dev.poolwise.replica;

import java.sql.Connection;
import java.sql.SQLException;

import org.jspecify.annotations.Nullable;

/**
 * A connection to the primary, borrowed for anything that is not a read-only transaction. When it may have
 * written (it created a statement), it marks the moment it is given back, after the commit, for
 * {@link ReadYourWrites}: no round trip on the write's path.
 */
final class PrimaryConnection extends ConnectionHandler {

	private final ReadYourWrites writes;

	private boolean wrote;

	private PrimaryConnection(Connection target, ReadYourWrites writes) {
		super(target);
		this.writes = writes;
	}

	static Connection wrap(Connection target, ReadYourWrites writes) {
		return new PrimaryConnection(target, writes).proxy();
	}

	@Override
	void before(String method, @Nullable Object[] args) throws SQLException {
		if (createsStatement(method)) {
			this.wrote = true;
		}
		else if (method.equals("close") && this.wrote) {
			this.wrote = false;
			this.writes.wrote();
		}
	}

}
