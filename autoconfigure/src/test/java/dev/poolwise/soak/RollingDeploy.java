package dev.poolwise.soak;

import java.util.Random;

/**
 * A new instance of the application takes over the load, as in a rolling deploy: it starts, fills its
 * pool, takes every new call; the old one finishes the calls it has, as a web server's graceful shutdown
 * does, and its context is closed, so Poolwise's drain waits for borrowed connections and closes its pools.
 * No call fails, and the old instance's sessions leave the servers.
 */
final class RollingDeploy extends FaultWithoutFailures {

	@Override
	public String name() {
		return "rolling deploy";
	}

	@Override
	public String inject(Random random, Testbed testbed) throws Exception {
		return testbed.deployment().rollingDeploy();
	}

}
