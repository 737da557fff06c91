package dev.poolwise.autosize;

/**
 * The bounds a decision stays in at one moment.
 *
 * @param floor permanent connections (size, or what worker-count derived)
 * @param ceiling size + overflow
 * @param allowed the pool's share of the server's connection budget now, {@link Integer#MAX_VALUE} without
 * a budget
 * @param guaranteed what the fleet guarantees this pool while other instances share the budget: up to it,
 * waiting callers grow the pool whether or not a step raises throughput, so a busy server is shared fairly
 * rather than held by whoever grew first; the floor when the pool has the budget to itself
 */
public record Limits(int floor, int ceiling, int allowed, int guaranteed) {

	/**
	 * Bounds without a fleet to share with.
	 * @param floor permanent connections
	 * @param ceiling size + overflow
	 * @param allowed the budget share now
	 */
	public Limits(int floor, int ceiling, int allowed) {
		this(floor, ceiling, allowed, floor);
	}

	/**
	 * The most the working maximum may be now.
	 * @return the ceiling or the budget share, whichever is lower, never below the floor
	 */
	public int top() {
		return Math.max(this.floor, Math.min(this.ceiling, this.allowed));
	}

}
