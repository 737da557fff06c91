package dev.poolwise.soak;

import java.sql.SQLException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.OptionalInt;
import java.util.Random;
import java.util.Set;

import dev.poolwise.test.ReplicatedServers;

/**
 * A switchover that leaves the old primary up: fenced read-only ({@code default_transaction_read_only}),
 * the standby promoted, the old primary kept running for a while before it is rebuilt as the new standby.
 * Writes on connections to it fail with {@code 25006}; Poolwise evicts those connections and the pool,
 * so each costs at most one failed call. Rebuilding stops the old primary, which ends any session left on
 * it with {@code 57P01}.
 */
final class Switchover implements Fault {

	@Override
	public String name() {
		return "switchover, old primary read-only";
	}

	@Override
	public Set<FailureClass> failures() {
		return EnumSet.of(FailureClass.READ_ONLY, FailureClass.SESSION_ENDED, FailureClass.CONNECTION_LOST,
				FailureClass.POOL_TIMEOUT);
	}

	@Override
	public Duration bound() {
		return PrimaryFailover.WINDOW;
	}

	@Override
	public OptionalInt staleFailureLimit(int loadThreads) {
		return OptionalInt.of(SoakSettings.SIZE + loadThreads);
	}

	@Override
	public String inject(Random random, Testbed testbed) throws SQLException {
		ReplicatedServers servers = testbed.servers();
		servers.fencePrimary();
		testbed.primaryMovesTo(servers.standbyPort());
		servers.promoteStandby();
		Duration up = Testbed.hold(random, Duration.ofSeconds(1), Duration.ofSeconds(3));
		servers.rebuildStandby();
		return "promoted :" + servers.primaryPort() + ", old primary up read-only " + up.toMillis() + " ms";
	}

}
