package dev.poolwise.replica;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.datasource.AbstractDataSource;

/**
 * Where a read-only transaction's connection comes from, decided when the transaction fetches it: the next
 * replica in turn that is in rotation and has replayed the thread's own last write, else the primary, made
 * read-only. A replica whose pool gives no connection leaves the rotation until its next good check, and the
 * transaction moves on to the next one, so a stopped replica costs the caller nothing but the attempt.
 */
final class ReplicaDataSource extends AbstractDataSource {

	private final DataSource primary;

	private final List<Replica> replicas;

	private final ReadYourWrites writes;

	private final Routing routing;

	private final ThreadLocal<@Nullable RoutedConnection> fetching;

	private final AtomicInteger next = new AtomicInteger();

	ReplicaDataSource(DataSource primary, List<Replica> replicas, ReadYourWrites writes, Routing routing,
			ThreadLocal<@Nullable RoutedConnection> fetching) {
		this.primary = primary;
		this.replicas = replicas;
		this.writes = writes;
		this.routing = routing;
		this.fetching = fetching;
	}

	@Override
	public Connection getConnection() throws SQLException {
		RoutedConnection routed = this.fetching.get();
		if (routed != null) {
			routed.fetched(true);
		}
		return choose();
	}

	private Connection choose() throws SQLException {
		long required = this.writes.required();
		if (required == ReadYourWrites.UNRESOLVED) {
			return primary(Routing.OWN_WRITE);
		}
		int start = Math.floorMod(this.next.getAndIncrement(), this.replicas.size());
		boolean behind = false;
		for (int i = 0; i < this.replicas.size(); i++) {
			Replica replica = this.replicas.get((start + i) % this.replicas.size());
			if (!replica.inRotation()) {
				continue;
			}
			Connection connection = borrow(replica, required);
			if (connection != null) {
				this.routing.toReplica(replica.name());
				return ReplicaConnection.wrap(connection, replica, this.routing);
			}
			behind |= replica.inRotation();
		}
		return primary(behind ? Routing.OWN_WRITE : Routing.NO_REPLICA);
	}

	private Connection primary(String reason) throws SQLException {
		this.routing.toPrimary(reason);
		Connection connection = this.primary.getConnection();
		connection.setReadOnly(true);
		return connection;
	}

	/**
	 * A connection of the replica if it can serve this thread: when its last known replay position is behind
	 * the thread's last write, the position is read once more on the borrowed connection.
	 * @return the connection, or null when the replica is behind the write or gave none
	 */
	private @Nullable Connection borrow(Replica replica, long required) {
		Connection connection;
		try {
			connection = replica.pool().getConnection();
		}
		catch (SQLException ex) {
			replica.unreachable("no connection within its timeout (" + ex.getSQLState() + ": " + ex.getMessage()
					+ ")");
			return null;
		}
		try {
			if (required > replica.replayed()) {
				replica.replayedUpTo(replayed(connection));
				if (required > replica.replayed()) {
					connection.close();
					return null;
				}
			}
			connection.setReadOnly(true);
			return connection;
		}
		catch (SQLException ex) {
			replica.unreachable("its connection failed (" + ex.getSQLState() + ": " + ex.getMessage() + ")");
			closeQuietly(connection);
			return null;
		}
	}

	private static long replayed(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet row = statement.executeQuery("SELECT pg_last_wal_replay_lsn()")) {
			return row.next() ? Lsn.parse(row.getString(1)) : Lsn.UNKNOWN;
		}
	}

	private static void closeQuietly(Connection connection) {
		try {
			connection.close();
		}
		catch (SQLException ex) {
			// the pool already counts it as broken
		}
	}

	@Override
	public Connection getConnection(String username, String password) throws SQLException {
		throw new SQLFeatureNotSupportedException("Replica pools use the primary pool's credentials");
	}

}
