package dev.poolwise.benchmarks.studies.autosize;

import java.util.ArrayList;
import java.util.List;

/**
 * A schedule of client counts and the statement every client runs.
 *
 * @param name the name in the report
 * @param sql the statement each borrow runs
 * @param threads the most clients at any moment
 * @param phases the schedule
 * @param steadyFromMillis start of the window in which the load is steady, for resizes per hour
 * @param steadyToMillis end of that window
 * @param idleFromMillis start of the idle tail, -1 without one
 */
record Workload(String name, String sql, int threads, List<Phase> phases, long steadyFromMillis,
		long steadyToMillis, long idleFromMillis) {

	/** A few milliseconds of work per borrow, server CPU hardly used. */
	static final String WORK = "SELECT pg_sleep(0.003)";

	/** About 2ms of server CPU per borrow: more connections than cores cannot help. */
	static final String CPU = "SELECT sum(i) FROM generate_series(1, 30000) i";

	static Workload step(double scale) {
		List<Phase> phases = List.of(new Phase(10, ms(4, scale)), new Phase(100, ms(24, scale)),
				new Phase(10, ms(6, scale)), new Phase(0, ms(10, scale)));
		long peakEnd = ms(28, scale);
		return new Workload("1 step 10 -> 100 -> 10 clients", WORK, 100, phases, peakEnd - ms(12, scale), peakEnd,
				ms(34, scale));
	}

	static Workload spikes(double scale) {
		List<Phase> phases = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			phases.add(new Phase(10, ms(3, scale)));
			phases.add(new Phase(200, ms(1, 1)));
		}
		phases.add(new Phase(10, ms(2, scale)));
		return new Workload("2 spikes of 200 clients for 1s over 10", WORK, 200, phases, -1, -1, -1);
	}

	static Workload cpu(double scale) {
		return new Workload("3 CPU-bound server, 40 clients", CPU, 40, List.of(new Phase(40, ms(15, scale))),
				ms(7, scale), ms(15, scale), -1);
	}

	static Workload peakOnly(String sql, int clients, double seconds) {
		return new Workload("sweep", sql, clients, List.of(new Phase(clients, ms(seconds, 1))), -1, -1, -1);
	}

	private static long ms(double seconds, double scale) {
		return Math.round(seconds * scale * 1000);
	}

	long loadedMillis() {
		return ((this.idleFromMillis >= 0) ? this.idleFromMillis : totalMillis());
	}

	long totalMillis() {
		return this.phases.stream().mapToLong(Phase::millis).sum();
	}

	/**
	 * Clients for a while.
	 *
	 * @param clients active clients
	 * @param millis how long
	 */
	record Phase(int clients, long millis) {

	}

}
