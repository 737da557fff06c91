package dev.poolwise.soak;

import java.sql.SQLException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Random;
import java.util.Set;

/**
 * The role's password rotated with {@code ALTER ROLE ... PASSWORD} while the credentials provider hands out
 * the new one, and the pool's connections retired with {@code softEvictConnections}: no call fails.
 */
final class PasswordRotation implements Fault {

	@Override
	public String name() {
		return "password rotation";
	}

	@Override
	public Set<FailureClass> failures() {
		return EnumSet.noneOf(FailureClass.class);
	}

	@Override
	public Duration bound() {
		return Duration.ZERO;
	}

	@Override
	public String inject(Random random, Testbed testbed) throws SQLException {
		testbed.rotatePassword(random);
		testbed.pool().getHikariPoolMXBean().softEvictConnections();
		return "new secret, connections soft-evicted";
	}

}
