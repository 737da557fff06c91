package dev.poolwise.replica;

import java.sql.Connection;
import java.sql.SQLException;

import com.zaxxer.hikari.HikariDataSource;
import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.datasource.LazyConnectionDataSourceProxy;

/**
 * The application's DataSource when replicas are configured: Spring's {@link LazyConnectionDataSourceProxy},
 * which fetches the physical connection only at the first statement, when the transaction manager has
 * already marked it read-only or not. Read-only ones come from the {@link ReplicaDataSource}, everything
 * else from the primary. Spring destroys the bean it created, the primary pool, not this wrapper, so the
 * replica pools are closed by {@link ReplicaSets}.
 */
public final class RoutingDataSource extends LazyConnectionDataSourceProxy {

	private final HikariDataSource primary;

	private final ReplicaSet replicas;

	private final ThreadLocal<@Nullable RoutedConnection> fetching = new ThreadLocal<>();

	RoutingDataSource(HikariDataSource primary, ReplicaSet replicas, ReadYourWrites writes, boolean readYourWrites) {
		this.primary = primary;
		this.replicas = replicas;
		setTargetDataSource(new PrimaryDataSource(primary, readYourWrites ? writes : null, this.fetching));
		setReadOnlyDataSource(
				new ReplicaDataSource(primary, replicas.replicas(), writes, replicas.routing(), this.fetching));
		setDefaultAutoCommit(primary.isAutoCommit());
		if (primary.getTransactionIsolation() != null) {
			setDefaultTransactionIsolationName(primary.getTransactionIsolation());
		}
	}

	/**
	 * The replicas this DataSource routes to.
	 * @return the replicas with their state and counters
	 */
	public ReplicaSet replicas() {
		return this.replicas;
	}

	@Override
	public Connection getConnection() throws SQLException {
		return RoutedConnection.wrap(super.getConnection(), this.replicas.routing(), this.fetching);
	}

	@Override
	public Connection getConnection(String username, String password) throws SQLException {
		return RoutedConnection.wrap(super.getConnection(username, password), this.replicas.routing(),
				this.fetching);
	}

	@Override
	public String toString() {
		return "RoutingDataSource [" + this.primary.getPoolName() + " with " + this.replicas.replicas().size()
				+ " replicas]";
	}

}
