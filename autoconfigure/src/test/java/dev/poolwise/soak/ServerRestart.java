package dev.poolwise.soak;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Random;
import java.util.Set;

import dev.poolwise.test.Pools;

/**
 * The primary stopped ({@code pg_ctl stop}, fast or immediate) and started again on the same data directory
 * and port after a while. Callers fail within {@code timeout}; the first call after the server is back
 * succeeds within Hikari's largest back-off plus {@code timeout}.
 */
final class ServerRestart implements Fault {

	@Override
	public String name() {
		return "server restart";
	}

	@Override
	public Set<FailureClass> failures() {
		return EnumSet.of(FailureClass.SESSION_ENDED, FailureClass.CONNECTION_LOST, FailureClass.POOL_TIMEOUT);
	}

	@Override
	public Duration bound() {
		return Pools.HIKARI_MAX_BACKOFF.plus(SoakSettings.TIMEOUT);
	}

	@Override
	public String inject(Random random, Testbed testbed) {
		String mode = random.nextBoolean() ? "fast" : "immediate";
		testbed.servers().stopPrimary(mode);
		Duration down = Testbed.hold(random, Duration.ZERO, Duration.ofSeconds(2));
		testbed.servers().startPrimary();
		return "stop -m " + mode + ", down " + down.toMillis() + " ms";
	}

}
