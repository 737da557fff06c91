package dev.poolwise.replica;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * A connection to the primary, borrowed for anything that is not a read-only transaction. When it may have
 * written (it created a statement), it reads the primary's WAL position as it is given back, after the
 * commit, for {@link ReadYourWrites}.
 */
final class PrimaryConnection extends ConnectionHandler {

	private static final Log logger = LogFactory.getLog(PrimaryConnection.class);

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
		else if (method.equals("close") && this.wrote && !target().isClosed()) {
			this.wrote = false;
			recordPosition();
		}
	}

	/**
	 * Reads the position after the commit, so a replica that replayed it has the write. One round trip
	 * on the connection already held, and none for a connection that created no statement.
	 */
	private void recordPosition() {
		try (Statement statement = target().createStatement();
				ResultSet row = statement.executeQuery("SELECT pg_current_wal_lsn()")) {
			if (row.next()) {
				this.writes.wrote(Lsn.parse(row.getString(1)));
			}
		}
		catch (SQLException ex) {
			logger.debug("Could not read the primary's WAL position after a write: " + ex.getMessage());
		}
	}

}
