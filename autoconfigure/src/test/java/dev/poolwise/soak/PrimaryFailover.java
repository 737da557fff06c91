package dev.poolwise.soak;

import java.time.Duration;
import java.util.EnumSet;
import java.util.OptionalInt;
import java.util.Random;
import java.util.Set;

import dev.poolwise.test.ReplicatedServers;

/**
 * The primary stopped (fast: sessions end with {@code 57P01}; immediate: as a crash, {@code 08006}) and the
 * synchronous standby promoted; the pool's URL names both with {@code targetServerType=primary}. Each
 * connection to the old primary costs at most one failed call; the first write on the new primary comes
 * within 10 s. Healing rebuilds a standby from the new primary, so that the next failover finds one.
 */
final class PrimaryFailover implements Fault {

	/**
	 * From the first failed call to the first write on the new primary, the promotion included.
	 */
	static final Duration WINDOW = Duration.ofSeconds(10);

	@Override
	public String name() {
		return "primary failover";
	}

	@Override
	public Set<FailureClass> failures() {
		return EnumSet.of(FailureClass.SESSION_ENDED, FailureClass.CONNECTION_LOST, FailureClass.POOL_TIMEOUT);
	}

	@Override
	public Duration bound() {
		return WINDOW;
	}

	@Override
	public OptionalInt staleFailureLimit(int loadThreads) {
		return OptionalInt.of(SoakSettings.SIZE + loadThreads);
	}

	@Override
	public String inject(Random random, Testbed testbed) {
		String mode = random.nextBoolean() ? "fast" : "immediate";
		ReplicatedServers servers = testbed.servers();
		servers.stopPrimary(mode);
		testbed.primaryMovesTo(servers.standbyPort());
		servers.promoteStandby();
		servers.rebuildStandby();
		return "stop -m " + mode + ", promoted :" + servers.primaryPort();
	}

}
