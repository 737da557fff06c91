package dev.poolwise.tuning;

import dev.poolwise.pool.PoolSettings;
import dev.poolwise.sizing.WorkerCountSizing;
import dev.poolwise.validation.Violations;

/**
 * Rules on the counts that shape a pool before its size is known: workers, replicas and the worker-count
 * formula's parameters.
 */
final class CountRules {

	private CountRules() {
	}

	static void check(PoolSettings settings, KeyPrecedence keys, Violations violations) {
		Integer workers = settings.workerCount();
		if (workers != null && workers < 1) {
			violations.add(keys.name("worker-count"), workers, "must be at least 1",
					"Set db.pool.worker-count to the number of threads that use the database, or remove it.");
		}
		if (settings.instances() < 1) {
			violations.add(keys.name("instances"), settings.instances(), "must be at least 1",
					"Set db.pool.instances to the number of application replicas sharing the database.");
		}
		Integer maxWaiting = settings.queue().maxWaiting();
		if (maxWaiting != null && maxWaiting < 0) {
			violations.add(keys.name("queue.max-waiting"), maxWaiting, "must be at least 0",
					"Set db.pool.queue.max-waiting to the most callers that may wait for a connection (0 fails "
							+ "every borrow that would wait), or remove it for no bound.");
		}
		WorkerCountSizing s = settings.sizing().formula();
		if (s.minRatio() <= 0 || s.maxRatio() < s.minRatio()) {
			violations.add(keys.name("sizing.min-ratio/max-ratio"), s.minRatio() + "/" + s.maxRatio(),
					"ratios must be positive with min-ratio <= max-ratio", "Use e.g. min-ratio 0.1 and max-ratio 0.5.");
		}
		if (s.minFloor() < 1 || s.minFloor() > s.minCeiling() || s.maxFloor() > s.maxCeiling()
				|| s.minCeiling() > s.maxCeiling()) {
			violations.add(keys.name("sizing.*-floor/*-ceiling"),
					s.minFloor() + "," + s.minCeiling() + "," + s.maxFloor() + "," + s.maxCeiling(),
					"floors must be at least 1, each floor at most its ceiling, and min-ceiling at most max-ceiling",
					"Use e.g. min-floor 2, min-ceiling 5, max-floor 10, max-ceiling 20.");
		}
	}

}
