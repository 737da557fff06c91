package dev.poolwise.replica;

import java.sql.Connection;
import java.sql.SQLException;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.util.UtilityElf;
import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.datasource.LazyConnectionDataSourceProxy;

/**
 * The application's DataSource when replicas are configured: Spring's {@link LazyConnectionDataSourceProxy},
 * which fetches the physical connection only at the first statement, when the transaction manager has
 * already marked it read-only or not. Read-only ones come from the {@link ReplicaDataSource}, everything
 * else from the primary. It takes the primary pool's place as soon as the pool's properties are bound, before
 * any other post-processor wraps the bean, so decorators (datasource-proxy, p6spy, tracing, an application's
 * own wrapper) wrap the routing and see every statement, on the primary and the replicas alike; the replicas
 * are attached once the primary is tuned. Until then everything goes to the primary. Spring destroys the
 * bean it created, the primary pool, not this wrapper, so the replica pools are closed by {@link ReplicaSets}.
 */
public final class RoutingDataSource extends LazyConnectionDataSourceProxy {

	private final HikariDataSource primary;

	private final ThreadLocal<@Nullable RoutedConnection> fetching = new ThreadLocal<>();

	private final int defaultIsolation;

	private volatile @Nullable ReplicaSet replicas;

	/**
	 * A routing that sends everything to the primary until replicas are attached.
	 * @param primary the primary pool, its properties bound and not started
	 * @throws IllegalArgumentException when the pool's transaction isolation is not one Hikari accepts
	 */
	public RoutingDataSource(HikariDataSource primary) {
		this.primary = primary;
		setTargetDataSource(primary);
		setDefaultAutoCommit(primary.isAutoCommit());
		this.defaultIsolation = isolation(primary.getTransactionIsolation());
		if (this.defaultIsolation != -1) {
			setDefaultTransactionIsolation(this.defaultIsolation);
		}
	}

	/**
	 * A transaction isolation as Hikari reads {@code transactionIsolation}: a constant's name in any case, or
	 * its number.
	 * @param name the configured isolation, or null
	 * @return the JDBC level, or -1 when none is configured
	 * @throws IllegalArgumentException when Hikari would refuse it
	 */
	public static int isolation(@Nullable String name) {
		return (name != null) ? UtilityElf.getTransactionIsolation(name) : -1;
	}

	/**
	 * Routes read-only transactions to the replicas from now on.
	 * @param set the replicas
	 * @param writes the thread's own writes, or null when reads need not see them
	 */
	void attach(ReplicaSet set, @Nullable ReadYourWrites writes) {
		setTargetDataSource(new PrimaryDataSource(this.primary, writes, this.fetching));
		setReadOnlyDataSource(new ReplicaDataSource(this.primary, set.replicas(), writes, set.routing(),
				this.fetching));
		this.replicas = set;
	}

	/**
	 * The replicas this DataSource routes to.
	 * @return the replicas with their state and counters, or null before they are attached
	 */
	public @Nullable ReplicaSet replicas() {
		return this.replicas;
	}

	@Override
	public Connection getConnection() throws SQLException {
		return wrap(super.getConnection());
	}

	@Override
	public Connection getConnection(String username, String password) throws SQLException {
		return wrap(super.getConnection(username, password));
	}

	private Connection wrap(Connection lazy) {
		ReplicaSet set = this.replicas;
		return (set != null) ? RoutedConnection.wrap(lazy, set.routing(), this.fetching, this.defaultIsolation)
				: lazy;
	}

	@Override
	public String toString() {
		ReplicaSet set = this.replicas;
		return "RoutingDataSource [" + this.primary.getPoolName() + " with "
				+ ((set != null) ? set.replicas().size() : 0) + " replicas]";
	}

}
