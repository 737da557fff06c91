package dev.poolwise.startup;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import org.postgresql.PGStatement;

import dev.poolwise.net.SideConnections;

/**
 * Finds out whether the PgBouncer in front routes named prepared statements in transaction pooling
 * (1.21+ with {@code max_prepared_statements} above 0). Such a PgBouncer renames every statement a client
 * prepares to one of its own, {@code PGBOUNCER_<n>}, and prepares it on whichever server connection runs
 * the client's transaction; an older one, or one with the setting at 0, passes pgjdbc's own name
 * ({@code S_<n>}) through to one server connection, where the next client's transaction may not find it.
 * So the probe prepares one named statement inside a transaction and reads, in the same transaction, the
 * name the server knows it by. A statement passed through is deallocated again before the transaction
 * ends, so the probe leaves nothing on the server connection for another client to trip over.
 */
final class PreparedStatementProbe {

	private static final String PROBE = "SELECT 1 /* poolwise prepared statement probe */";

	private static final String NAMES = "SELECT name FROM pg_prepared_statements WHERE statement = ?";

	private PreparedStatementProbe() {
	}

	/**
	 * Runs the probe; never fails: an error is an outcome that keeps prepared statements off.
	 * @param connection a side connection through PgBouncer, in autocommit; closed when the probe fails
	 * @return what was found
	 */
	static Outcome run(Connection connection) {
		try {
			connection.setAutoCommit(false);
			Outcome outcome = probe(connection);
			connection.rollback();
			connection.setAutoCommit(true);
			return outcome;
		}
		catch (SQLException ex) {
			// Ending the session mid-transaction has PgBouncer drop its server connection, and with it any
			// statement the probe prepared there but could not deallocate.
			SideConnections.closeQuietly(connection);
			return new Outcome(false, "the probe failed (" + ex.getMessage() + ")");
		}
	}

	private static Outcome probe(Connection connection) throws SQLException {
		try (PreparedStatement probe = connection.prepareStatement(PROBE)) {
			// pgjdbc names a statement from its threshold's execution on; 1 is the first.
			probe.unwrap(PGStatement.class).setPrepareThreshold(1);
			probe.executeQuery().close();
		}
		String name = null;
		try (PreparedStatement names = connection.prepareStatement(NAMES)) {
			names.setString(1, PROBE);
			try (ResultSet row = names.executeQuery()) {
				if (row.next()) {
					name = row.getString(1);
				}
			}
		}
		if (name == null) {
			return new Outcome(false, "the probe's statement was not prepared on the server");
		}
		if (name.startsWith("PGBOUNCER_")) {
			return new Outcome(true, "PgBouncer prepared the probe's statement as " + name);
		}
		try (Statement deallocate = connection.createStatement()) {
			deallocate.execute("DEALLOCATE \"" + name.replace("\"", "\"\"") + "\"");
		}
		return new Outcome(false, "PgBouncer passed the probe's statement through as " + name
				+ ", so it does not route prepared statements (1.21+ with max_prepared_statements above 0 does)");
	}

	/**
	 * What the probe found.
	 *
	 * @param routed whether PgBouncer routes named prepared statements
	 * @param evidence how that was decided, in words
	 */
	record Outcome(boolean routed, String evidence) {

	}

}
