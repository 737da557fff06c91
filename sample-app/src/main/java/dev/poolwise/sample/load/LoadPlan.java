package dev.poolwise.sample.load;

import java.time.Duration;

/**
 * What a load run does: how many threads, for how long, each holding a connection for how long per query.
 * The bounds keep one request from tying up the machine or holding connections past the sample's leak
 * detection threshold and statement timeout.
 *
 * @param threads concurrent threads, each borrowing one connection at a time
 * @param duration how long the run lasts
 * @param hold how long each query keeps its connection busy
 */
public record LoadPlan(int threads, Duration duration, Duration hold) {

	/**
	 * Most threads a run may use; also the size of the generator's thread pool.
	 */
	static final int MAX_THREADS = 200;

	/**
	 * Longest run.
	 */
	static final Duration MAX_DURATION = Duration.ofMinutes(10);

	/**
	 * Longest a query may hold its connection.
	 */
	static final Duration MAX_HOLD = Duration.ofSeconds(10);

	public LoadPlan {
		if (threads < 1 || threads > MAX_THREADS) {
			throw new IllegalArgumentException("threads must be between 1 and " + MAX_THREADS + ", was " + threads);
		}
		if (duration.compareTo(Duration.ofSeconds(1)) < 0 || duration.compareTo(MAX_DURATION) > 0) {
			throw new IllegalArgumentException(
					"the run must last between 1s and " + MAX_DURATION.toMinutes() + "m, was " + duration);
		}
		if (hold.isNegative() || hold.compareTo(MAX_HOLD) > 0) {
			throw new IllegalArgumentException(
					"the hold must be between 0 and " + MAX_HOLD.toMillis() + "ms, was " + hold.toMillis() + "ms");
		}
	}

}
