package dev.poolwise.replica;

import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * The primary pool as the routing's main target: each connection is a {@link PrimaryConnection}. It is a
 * {@link DelegatingDataSource}, so whatever unwraps the application's DataSource still finds the pool.
 */
final class PrimaryDataSource extends DelegatingDataSource {

	private final Routing routing;

	private final ReadYourWrites writes;

	PrimaryDataSource(DataSource pool, Routing routing, ReadYourWrites writes) {
		super(pool);
		this.routing = routing;
		this.writes = writes;
	}

	@Override
	public Connection getConnection() throws SQLException {
		return PrimaryConnection.wrap(obtainTargetDataSource().getConnection(), this.routing, this.writes);
	}

	@Override
	public Connection getConnection(String username, String password) throws SQLException {
		return PrimaryConnection.wrap(obtainTargetDataSource().getConnection(username, password), this.routing,
				this.writes);
	}

}
