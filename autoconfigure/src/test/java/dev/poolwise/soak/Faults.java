package dev.poolwise.soak;

import java.util.List;

/**
 * The faults the soak draws from, one class each. A fault another feature brings (a resize by the
 * autosizer) is added here.
 */
public final class Faults {

	private Faults() {
	}

	/**
	 * Every fault Poolwise documents a bound for that the test bed can inject.
	 * @return the faults, in a fixed order that the seed then shuffles
	 */
	public static List<Fault> all() {
		return List.of(new TerminatedBackends(), new ServerRestart(), new NetworkBlackhole(), new PrimaryFailover(),
				new Switchover(), new PasswordRotation(), new PoolSaturation(), new LaggingReplica(), new LostReplica(),
				new RollingDeploy());
	}

}
