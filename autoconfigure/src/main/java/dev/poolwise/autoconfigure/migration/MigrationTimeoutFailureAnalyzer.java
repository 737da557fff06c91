package dev.poolwise.autoconfigure.migration;

import java.sql.SQLException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;

/**
 * Explains a migration the server stopped for one of its timeouts ({@code 57014} statement timeout,
 * {@code 55P03} lock timeout, {@code 25P03} idle-in-transaction timeout, {@code 25P04} transaction timeout,
 * under a Flyway or Liquibase exception), which otherwise reads as a broken migration with no pointer to the
 * property.
 */
class MigrationTimeoutFailureAnalyzer implements FailureAnalyzer {

	private static final Map<String, String[]> TIMEOUTS = Map.of("57014",
			new String[] { "statement timeout", "statement-timeout", "db.pool.session.statement-timeout" }, "55P03",
			new String[] { "lock timeout", "lock-timeout", "db.pool.session.lock-timeout" }, "25P03",
			new String[] { "idle-in-transaction timeout", "idle-in-transaction-timeout",
					"db.pool.session.idle-in-transaction-timeout" },
			"25P04", new String[] { "transaction timeout", "transaction-timeout",
					"db.pool.session.settings.transaction-timeout" });

	@Override
	public @Nullable FailureAnalysis analyze(Throwable failure) {
		boolean migration = false;
		SQLException stopped = null;
		String[] timeout = null;
		Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
		for (Throwable cause = failure; cause != null && seen.add(cause); cause = cause.getCause()) {
			String name = cause.getClass().getName();
			migration |= name.startsWith("org.flywaydb.") || name.startsWith("liquibase.");
			String[] known = (cause instanceof SQLException sql && sql.getSQLState() != null)
					? TIMEOUTS.get(sql.getSQLState()) : null;
			if (stopped == null && known != null) {
				stopped = (SQLException) cause;
				timeout = known;
			}
		}
		if (!migration || stopped == null || timeout == null) {
			return null;
		}
		String property = "db.pool.migration." + timeout[1];
		return new FailureAnalysis("A schema migration was cancelled by the server's " + timeout[0] + " (SQLState "
				+ stopped.getSQLState() + ": " + stopped.getMessage() + ").",
				"Raise " + property + ", or set it to 0 for no limit: Poolwise runs Flyway and Liquibase on "
						+ "connections of their own with that timeout in place of " + timeout[2] + ". "
						+ "If the migration has a DataSource of its own (@FlywayDataSource, spring.flyway.url), set the "
						+ "timeout there, or check for a SET in the migration or its init SQL.",
				failure);
	}

}
