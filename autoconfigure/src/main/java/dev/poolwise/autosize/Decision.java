package dev.poolwise.autosize;

/**
 * What the controller decided on one tick, with the reason and the numbers behind it.
 *
 * @param action what to do
 * @param from working maximum before
 * @param to working maximum after
 * @param reason one sentence with the numbers that drove it
 */
public record Decision(Action action, int from, int to, String reason) {

	static Decision none(int max, String reason) {
		return new Decision(Action.NONE, max, max, reason);
	}

	/**
	 * Whether the working maximum changes.
	 * @return true for a change
	 */
	public boolean changes() {
		return this.from != this.to;
	}

	/**
	 * Kinds of decision.
	 */
	public enum Action {

		/** Callers wait and the last step helped, or growth starts. */
		GROW,

		/** A step did not help: back to the last size at which growth still helped. */
		BACK_OFF,

		/** No caller waited for a while: fewer connections serve the load. */
		SHRINK,

		/** Above what the ceiling or the budget share allows now. */
		LIMIT,

		/** Nothing changes. */
		NONE

	}

}
