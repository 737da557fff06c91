package dev.poolwise.soak;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Random;
import java.util.Set;

import dev.poolwise.test.FaultProxy;
import dev.poolwise.test.Pools;

/**
 * The network between the pool and both servers goes silent for a while ({@link FaultProxy#blackhole()}):
 * waiting callers fail after {@code timeout}, a query in flight after {@code socket-timeout}; what was held
 * is delivered when the network heals.
 */
final class NetworkBlackhole implements Fault {

	@Override
	public String name() {
		return "network blackhole";
	}

	@Override
	public Set<FailureClass> failures() {
		return EnumSet.of(FailureClass.CONNECTION_LOST, FailureClass.POOL_TIMEOUT);
	}

	@Override
	public Duration bound() {
		return SoakSettings.SOCKET_TIMEOUT.plus(Pools.HIKARI_MAX_BACKOFF).plus(SoakSettings.TIMEOUT);
	}

	@Override
	public String inject(Random random, Testbed testbed) {
		testbed.proxies().forEach(FaultProxy::blackhole);
		try {
			return "silent for " + Testbed.hold(random, Duration.ofSeconds(1), Duration.ofSeconds(4)).toMillis()
					+ " ms";
		}
		finally {
			testbed.proxies().forEach(FaultProxy::passThrough);
		}
	}

}
