package dev.poolwise.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import dev.poolwise.startup.DatabaseUnavailableException;

/**
 * Explains a startup that could not reach PostgreSQL, naming the masked URL and the driver's reason.
 */
class DatabaseUnavailableFailureAnalyzer extends AbstractFailureAnalyzer<DatabaseUnavailableException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, DatabaseUnavailableException cause) {
		return new FailureAnalysis(cause.getMessage(),
				"Start PostgreSQL or correct spring.datasource.url, spring.datasource.username and "
						+ "spring.datasource.password. Poolwise checks the server at startup to verify session "
						+ "settings and the connection budget; set db.pool.enabled=false to skip Poolwise entirely.",
				cause);
	}

}
