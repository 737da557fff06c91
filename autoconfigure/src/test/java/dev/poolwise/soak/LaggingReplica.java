package dev.poolwise.soak;

import java.sql.SQLException;
import java.time.Duration;
import java.util.Random;

/**
 * The standby that serves as the read replica replays late: {@code recovery_min_apply_delay} set on it for
 * a while, then reset. With {@code synchronous_commit} at its default ({@code on}) the primary waits for the
 * standby to flush a commit, not to apply it, so writes are not held up. Once its lag passes
 * {@code replicas.max-lag} the replica takes no new read-only transactions; before that, read-your-writes
 * sends a writer's read-back to the primary while the replica has not replayed the write. No call fails.
 */
final class LaggingReplica extends FaultWithoutFailures {

	@Override
	public String name() {
		return "lagging replica";
	}

	@Override
	public String inject(Random random, Testbed testbed) throws SQLException {
		Duration delay = Duration.ofMillis(2000 + random.nextInt(3001));
		testbed.servers().delayStandby(0, delay);
		try {
			Testbed.hold(random, delay, delay);
		}
		finally {
			testbed.servers().delayStandby(0, Duration.ZERO);
		}
		return "recovery_min_apply_delay " + delay.toMillis() + " ms on :" + testbed.servers().standbyPort() + " for "
				+ delay.toMillis() + " ms";
	}

}
