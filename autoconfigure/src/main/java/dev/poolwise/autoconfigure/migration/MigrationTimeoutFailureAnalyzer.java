package dev.poolwise.autoconfigure.migration;

import java.sql.SQLException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;

/**
 * Explains a migration the server cancelled for its statement timeout ({@code 57014} under a Flyway or
 * Liquibase exception), which otherwise reads as a broken migration with no pointer to the property.
 */
class MigrationTimeoutFailureAnalyzer implements FailureAnalyzer {

	private static final String QUERY_CANCELED = "57014";

	@Override
	public @Nullable FailureAnalysis analyze(Throwable failure) {
		boolean migration = false;
		SQLException canceled = null;
		Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
		for (Throwable cause = failure; cause != null && seen.add(cause); cause = cause.getCause()) {
			String name = cause.getClass().getName();
			migration |= name.startsWith("org.flywaydb.") || name.startsWith("liquibase.");
			if (canceled == null && cause instanceof SQLException sql && QUERY_CANCELED.equals(sql.getSQLState())) {
				canceled = sql;
			}
		}
		if (!migration || canceled == null) {
			return null;
		}
		return new FailureAnalysis("A schema migration was cancelled by the server's statement timeout (SQLState "
				+ "57014: " + canceled.getMessage() + ").",
				"Raise db.pool.migration.statement-timeout, or set it to 0 for no limit: Poolwise runs Flyway on "
						+ "connections of its own with that timeout in place of db.pool.session.statement-timeout. "
						+ "If Flyway has a DataSource of its own (@FlywayDataSource, spring.flyway.url), set the "
						+ "timeout there, or check for a SET statement_timeout in the migration or its init SQL.",
				failure);
	}

}
