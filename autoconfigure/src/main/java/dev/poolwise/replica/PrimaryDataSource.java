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

	private final @Nullable ReadYourWrites writes;

	private final ThreadLocal<@Nullable RoutedConnection> fetching;

	/**
	 * @param pool the primary pool
	 * @param writes where the position after each write is kept, or null when reads need not see the thread's
	 * own writes
	 * @param fetching the routed connection whose call is fetching a connection on this thread
	 */
	PrimaryDataSource(DataSource pool, @Nullable ReadYourWrites writes,
			ThreadLocal<@Nullable RoutedConnection> fetching) {
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
		ReadYourWrites writes = this.writes;
		return (writes != null) ? PrimaryConnection.wrap(connection, writes) : connection;
	}

}
