package dev.poolwise.validation;

/**
 * The rules a pool's size and overflow must satisfy, whether they come from configuration at startup or
 * from a resize at runtime, so both are refused with the same words.
 */
public final class SizeRules {

	private SizeRules() {
	}

	/**
	 * Records a violation for each rule the numbers break.
	 * @param sizeProperty the name the user gave the size under
	 * @param size permanent connections
	 * @param overflowProperty the name the user gave the overflow under
	 * @param overflow burst connections above size
	 * @param limit db.pool.sizing.limit
	 * @param violations where problems are recorded
	 */
	public static void check(String sizeProperty, int size, String overflowProperty, int overflow, int limit,
			Violations violations) {
		if (size < 1) {
			violations.add(sizeProperty, size, "the pool needs at least one permanent connection",
					"Set it to 1 or more.");
		}
		if (overflow < 0) {
			violations.add(overflowProperty, overflow,
					"overflow cannot be negative (maximum pool size is size + overflow)",
					"Set it to 0 for a fixed-size pool, or more for bursts.");
		}
		if ((long) size + overflow > limit) {
			violations.add(sizeProperty + " + " + overflowProperty, size + " + " + overflow,
					"more than db.pool.sizing.limit=" + limit
							+ " connections per pool, which overloads PostgreSQL rather than speeding it up",
					"Use a smaller pool (a few connections per database core), or raise db.pool.sizing.limit.");
		}
	}

}
