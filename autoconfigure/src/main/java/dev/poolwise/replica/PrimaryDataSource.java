package dev.poolwise.replica;

import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * The primary pool as the routing's main target: each connection is a {@link PrimaryConnection}, and the
 * {@link RoutedConnection} that fetched it learns that it holds a writable connection. It is a
 * {@link DelegatingDataSource}, so whatever unwraps the application's DataSource still finds the pool.
 */
final class PrimaryDataSource extends DelegatingDataSource {

	private final ReadYourWrites writes;

	private final ThreadLocal<@Nullable RoutedConnection> fetching;

	PrimaryDataSource(DataSource pool, ReadYourWrites writes, ThreadLocal<@Nullable RoutedConnection> fetching) {
		super(pool);
		this.writes = writes;
		this.fetching = fetching;
	}

	@Override
	public Connection getConnection() throws SQLException {
		return fetched(obtainTargetDataSource().getConnection());
	}

	@Override
	public Connection getConnection(String username, String password) throws SQLException {
		return fetched(obtainTargetDataSource().getConnection(username, password));
	}

	private Connection fetched(Connection connection) {
		RoutedConnection routed = this.fetching.get();
		if (routed != null) {
			routed.fetched(false);
		}
		return PrimaryConnection.wrap(connection, this.writes);
	}

}
