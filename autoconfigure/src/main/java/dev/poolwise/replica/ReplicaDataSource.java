package dev.poolwise.replica;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariPoolMXBean;
import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.datasource.AbstractDataSource;

/**
 * Where a read-only transaction's connection comes from, decided when the transaction fetches it: the next
 * replica in turn that is in rotation, has a free connection and has replayed the thread's own last write,
 * else the primary, made read-only. A SERIALIZABLE transaction always goes to the primary, since a hot standby
 * refuses that isolation. A replica whose pool gives no connection because it could not open one leaves the
 * rotation until its next good check, and the transaction moves on to the next one, so a stopped replica
 * costs the caller nothing but the attempt; a replica whose pool is only busy (every connection lent, none
 * failing) stays in rotation with its connections, and the transaction moves on the same way.
 */
final class ReplicaDataSource extends AbstractDataSource {

	private final DataSource primary;

	private final List<Replica> replicas;

	private final @Nullable ReadYourWrites writes;

	private final Routing routing;

	private final ThreadLocal<@Nullable RoutedConnection> fetching;

	private final AtomicInteger next = new AtomicInteger();

	ReplicaDataSource(DataSource primary, List<Replica> replicas, @Nullable ReadYourWrites writes, Routing routing,
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
			if (routed.serializable()) {
				return primary(Routing.SERIALIZABLE);
			}
		}
		return choose();
	}

	private Connection choose() throws SQLException {
		ReadYourWrites writes = this.writes;
		long required = (writes != null) ? writes.required() : Lsn.UNKNOWN;
		if (required == ReadYourWrites.UNRESOLVED) {
			return primary(Routing.OWN_WRITE);
		}
		int start = Math.floorMod(this.next.getAndIncrement(), this.replicas.size());
		String reason = Routing.NO_REPLICA;
		for (int i = 0; i < this.replicas.size(); i++) {
			Replica replica = this.replicas.get((start + i) % this.replicas.size());
			if (!replica.inRotation()) {
				continue;
			}
			Borrowed borrowed = borrow(replica, required);
			if (borrowed.connection != null) {
				this.routing.toReplica(replica.name());
				return ReplicaConnection.wrap(borrowed.connection, replica, this.routing);
			}
			if (borrowed.reason != null && !Routing.OWN_WRITE.equals(reason)) {
				reason = borrowed.reason;
			}
		}
		return primary(reason);
	}

	private Connection primary(String reason) throws SQLException {
		this.routing.toPrimary(reason);
		Connection connection = this.primary.getConnection();
		try {
			connection.setReadOnly(true);
		}
		catch (SQLException ex) {
			closeQuietly(connection);
			throw ex;
		}
		return connection;
	}

	/**
	 * A connection of the replica if it can serve this thread: when its last known replay position is behind
	 * the thread's last write, the position is read once more on the borrowed connection.
	 * @return the connection, or why there is none
	 */
	private Borrowed borrow(Replica replica, long required) {
		Connection connection;
		try {
			connection = replica.pool().getConnection();
		}
		catch (SQLException ex) {
			if (ex.getCause() instanceof InterruptedException) {
				Thread.currentThread().interrupt();
				return new Borrowed(null, null);
			}
			if (busy(replica, ex)) {
				this.routing.busy(replica.name());
				return new Borrowed(null, Routing.BUSY);
			}
			replica.unreachable("no connection within its timeout (" + ex.getSQLState() + ": " + ex.getMessage()
					+ ")");
			return new Borrowed(null, null);
		}
		try {
			if (required > replica.replayed()) {
				replica.replayedUpTo(replayed(connection));
				if (required > replica.replayed()) {
					connection.close();
					return new Borrowed(null, Routing.OWN_WRITE);
				}
			}
			connection.setReadOnly(true);
			return new Borrowed(connection, null);
		}
		catch (SQLException ex) {
			replica.unreachable("its connection failed (" + ex.getSQLState() + ": " + ex.getMessage() + ")");
			closeQuietly(connection);
			return new Borrowed(null, null);
		}
	}

	/**
	 * Whether a pool timeout means the replica is busy rather than gone: Hikari's timeout with no connection
	 * failure behind it, or one while the pool still holds connections (every one lent; the last failure
	 * Hikari remembers may be an old or unrelated one).
	 */
	private static boolean busy(Replica replica, SQLException ex) {
		if (!(ex instanceof SQLTransientConnectionException)) {
			return false;
		}
		HikariPoolMXBean pool = replica.pool().getHikariPoolMXBean();
		return ex.getCause() == null || (pool != null && pool.getTotalConnections() > 0);
	}

	/**
	 * A replica's connection, or why it gave none that can serve the transaction.
	 */
	private record Borrowed(@Nullable Connection connection, @Nullable String reason) {

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
