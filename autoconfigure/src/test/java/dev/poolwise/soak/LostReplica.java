package dev.poolwise.soak;

import java.time.Duration;
import java.util.EnumSet;
import java.util.OptionalInt;
import java.util.Random;
import java.util.Set;

import dev.poolwise.test.FaultProxy;

/**
 * The read replica lost to the application while it keeps streaming from the primary (replication goes
 * around the proxy, so commits are not held up): its proxy either goes silent ({@link FaultProxy#blackhole()})
 * or resets every connection and refuses new ones. A read in flight on it fails, on a silent network after
 * {@code socket-timeout}; the replica leaves the rotation at its first broken connection, failed check or
 * pool timeout, and reads run on the primary until it answers again.
 */
final class LostReplica implements Fault {

	@Override
	public String name() {
		return "lost replica";
	}

	@Override
	public Set<FailureClass> failures() {
		return EnumSet.of(FailureClass.CONNECTION_LOST);
	}

	@Override
	public Duration bound() {
		return SoakSettings.SOCKET_TIMEOUT;
	}

	/**
	 * Only reads in flight on the replica may fail: at most one per connection of its pool.
	 */
	@Override
	public OptionalInt staleFailureLimit(int loadThreads) {
		return OptionalInt.of(SoakSettings.REPLICA_SIZE);
	}

	@Override
	public String inject(Random random, Testbed testbed) {
		FaultProxy proxy = testbed.standbyProxy();
		boolean silent = random.nextBoolean();
		if (silent) {
			proxy.blackhole();
		}
		else {
			proxy.refuse();
			proxy.resetConnections();
		}
		try {
			return (silent ? "silent" : "connections reset and refused") + " for "
					+ Testbed.hold(random, Duration.ofSeconds(1), Duration.ofSeconds(4)).toMillis() + " ms, :"
					+ testbed.servers().standbyPort();
		}
		finally {
			proxy.passThrough();
		}
	}

}
