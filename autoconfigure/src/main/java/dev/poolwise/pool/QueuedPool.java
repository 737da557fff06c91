package dev.poolwise.pool;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;

/**
 * A Hikari pool whose callers wait in a {@link WaitingLine}: still a {@link HikariDataSource}, so whatever
 * injects, unwraps or registers the application's pool (Spring Boot's health, metrics, JMX and checkpoint
 * support, {@code @Autowired HikariDataSource}) sees the one pool it knows. It takes the place of a configured
 * pool before that pool starts, with the same configuration, so only one pool is ever started. The first borrow
 * starts the pool as Hikari does; every later one goes through the line.
 */
public final class QueuedPool extends HikariDataSource {

	private final WaitingLine line;

	private QueuedPool(WaitingLine line) {
		this.line = line;
	}

	/**
	 * A pool with the configuration of one that has not started, whose callers wait in the line.
	 * @param configured the pool as configured, not started; it is never started, and is left for the garbage
	 * collector
	 * @param line the waiting line
	 * @return the pool to use in its place
	 * @throws IllegalStateException when the configured pool has started
	 */
	public static QueuedPool of(HikariDataSource configured, WaitingLine line) {
		if (configured.isRunning() || configured.isClosed()) {
			throw new IllegalStateException("Pool '" + configured.getPoolName() + "' has started already");
		}
		QueuedPool queued = new QueuedPool(line);
		configured.copyStateTo(queued);
		return queued;
	}

	@Override
	public Connection getConnection() throws SQLException {
		if (getHikariPoolMXBean() instanceof HikariPool running && !isClosed()) {
			try {
				return this.line.borrow(running, String.valueOf(getPoolName()), getConnectionTimeout(),
						getMaximumPoolSize());
			}
			catch (SQLTransientConnectionException ex) {
				throw this.line.explained(ex);
			}
		}
		return super.getConnection();
	}

	/**
	 * The line the pool's callers wait in.
	 * @return the line
	 */
	public WaitingLine line() {
		return this.line;
	}

}
