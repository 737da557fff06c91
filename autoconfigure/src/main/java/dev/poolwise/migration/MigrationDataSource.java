package dev.poolwise.migration;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

import com.zaxxer.hikari.HikariDataSource;

import org.springframework.jdbc.datasource.AbstractDataSource;

import dev.poolwise.net.SideConnections;

/**
 * Connections for a schema migration, opened beside the application's pool and closed when the migration
 * is done. Each carries the pool's session settings with {@code statement_timeout} replaced by the
 * migration's own, so a long migration is not cancelled by a timeout meant for requests; and whatever the
 * migration sets on its session ({@code SET statement_timeout = 0} in an init SQL) ends with the session
 * instead of going back into the pool. They show as {@code <application name> (dbPool migration)} in
 * {@code pg_stat_activity}.
 */
public final class MigrationDataSource extends AbstractDataSource {

	private final HikariDataSource pool;

	private final Duration statementTimeout;

	/**
	 * @param pool the pool whose URL, credentials and session settings the migration uses
	 * @param statementTimeout the migration's statement timeout, 0 for none
	 */
	public MigrationDataSource(HikariDataSource pool, Duration statementTimeout) {
		this.pool = pool;
		this.statementTimeout = statementTimeout;
	}

	/**
	 * The migration's statement timeout.
	 * @return 0 for none
	 */
	public Duration getStatementTimeout() {
		return this.statementTimeout;
	}

	@Override
	public Connection getConnection() throws SQLException {
		String options = this.pool.getDataSourceProperties().getProperty("options", "");
		return SideConnections.openWithOptions(this.pool, SideConnections.MIGRATION,
				(options.isEmpty() ? "" : options + " ") + "-c statement_timeout=" + this.statementTimeout.toMillis());
	}

	@Override
	public Connection getConnection(String username, String password) throws SQLException {
		throw new SQLException("A migration connects with the pool's credentials", "0A000");
	}

}
