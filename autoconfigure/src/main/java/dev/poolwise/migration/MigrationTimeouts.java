package dev.poolwise.migration;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The session timeouts a migration runs with in place of the pool's: each is off (0) unless the migration
 * has one of its own, since a timeout meant for requests kills a long migration half-way ({@code FATAL:
 * terminating connection due to transaction timeout}).
 *
 * @param statement the migration's {@code statement_timeout}
 * @param lock its {@code lock_timeout}
 * @param idleInTransaction its {@code idle_in_transaction_session_timeout}
 * @param transaction its {@code transaction_timeout} (PostgreSQL 17+)
 */
public record MigrationTimeouts(Duration statement, Duration lock, Duration idleInTransaction,
		Duration transaction) {

	/**
	 * No timeout at all.
	 */
	public static final MigrationTimeouts NONE = new MigrationTimeouts(Duration.ZERO, Duration.ZERO, Duration.ZERO,
			Duration.ZERO);

	/**
	 * The server settings by name, in the order they are sent.
	 * @return milliseconds by setting name
	 */
	Map<String, Long> settings() {
		Map<String, Long> settings = new LinkedHashMap<>();
		settings.put("statement_timeout", this.statement.toMillis());
		settings.put("lock_timeout", this.lock.toMillis());
		settings.put("idle_in_transaction_session_timeout", this.idleInTransaction.toMillis());
		settings.put("transaction_timeout", this.transaction.toMillis());
		return settings;
	}

}
