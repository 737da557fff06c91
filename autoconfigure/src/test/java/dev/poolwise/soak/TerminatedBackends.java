package dev.poolwise.soak;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import dev.poolwise.test.Sessions;

/**
 * {@code pg_terminate_backend} of some of the pool's sessions, as an administrator or a failover does. A
 * call running on one fails with {@code 57P01} (or {@code 08006} when it sends on the closed socket); idle
 * ones are replaced without a failed call.
 */
final class TerminatedBackends implements Fault {

	/**
	 * Hikari skips validation of a connection used within the last 500 ms; such a connection reaches the next
	 * caller unchecked.
	 */
	private static final Duration UNVALIDATED = Duration.ofMillis(500);

	@Override
	public String name() {
		return "terminate backends";
	}

	@Override
	public Set<FailureClass> failures() {
		return EnumSet.of(FailureClass.SESSION_ENDED, FailureClass.CONNECTION_LOST);
	}

	@Override
	public Duration bound() {
		return UNVALIDATED;
	}

	@Override
	public String inject(Random random, Testbed testbed) {
		Sessions sessions = testbed.sessions();
		List<Integer> pids = new ArrayList<>(sessions.pids());
		Collections.shuffle(pids, random);
		int count = pids.isEmpty() ? 0 : 1 + random.nextInt(pids.size());
		pids.subList(0, count).forEach(sessions::terminate);
		return count + " of " + pids.size() + " sessions";
	}

}
