package dev.poolwise.soak;

import java.sql.SQLException;
import java.util.Random;

/**
 * The role's password rotated with {@code ALTER ROLE ... PASSWORD} while the credentials provider hands out
 * the new one, and the pool's connections retired with {@code softEvictConnections}: no call fails.
 */
final class PasswordRotation extends FaultWithoutFailures {

	@Override
	public String name() {
		return "password rotation";
	}

	@Override
	public String inject(Random random, Testbed testbed) throws SQLException {
		testbed.rotatePassword(random);
		testbed.pool().getHikariPoolMXBean().softEvictConnections();
		return "new secret, connections soft-evicted";
	}

}
