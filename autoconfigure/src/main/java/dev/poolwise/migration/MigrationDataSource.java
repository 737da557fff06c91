package dev.poolwise.migration;

import java.sql.Connection;
import java.sql.SQLException;

import com.zaxxer.hikari.HikariDataSource;

import org.springframework.jdbc.datasource.AbstractDataSource;

import dev.poolwise.net.SideConnections;

/**
 * Connections for a schema migration, opened beside the application's pool and closed when the migration
 * is done. Each carries the pool's session settings with its timeouts replaced by the migration's own
 * ({@link MigrationTimeouts}, off unless configured), so a long migration is not cancelled by a timeout meant
 * for requests: {@code statement_timeout} always, and {@code lock_timeout},
 * {@code idle_in_transaction_session_timeout} and {@code transaction_timeout} wherever the pool sets them (a
 * setting the pool does not send may not exist on the server, as {@code transaction_timeout} before
 * PostgreSQL 17). Whatever the migration sets on its session ({@code SET statement_timeout = 0} in an init
 * SQL) ends with the session instead of going back into the pool. They show as
 * {@code <application name> (dbPool migration)} in {@code pg_stat_activity}.
 */
public final class MigrationDataSource extends AbstractDataSource {

	private final HikariDataSource pool;

	private final MigrationTimeouts timeouts;

	/**
	 * @param pool the pool whose URL, credentials and session settings the migration uses
	 * @param timeouts the migration's timeouts, 0 for none
	 */
	public MigrationDataSource(HikariDataSource pool, MigrationTimeouts timeouts) {
		this.pool = pool;
		this.timeouts = timeouts;
	}

	/**
	 * The migration's timeouts.
	 * @return the timeouts, 0 for none
	 */
	public MigrationTimeouts getTimeouts() {
		return this.timeouts;
	}

	@Override
	public Connection getConnection() throws SQLException {
		String options = this.pool.getDataSourceProperties().getProperty("options", "");
		StringBuilder migration = new StringBuilder(options);
		this.timeouts.settings().forEach((name, millis) -> {
			if (name.equals("statement_timeout") || options.contains("-c " + name + "=")) {
				migration.append((migration.length() > 0) ? " " : "").append("-c ").append(name).append('=')
					.append(millis);
			}
		});
		return SideConnections.openWithOptions(this.pool, SideConnections.MIGRATION, migration.toString());
	}

	@Override
	public Connection getConnection(String username, String password) throws SQLException {
		throw new SQLException("A migration connects with the pool's credentials", "0A000");
	}

}
