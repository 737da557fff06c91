package dev.poolwise.autosize;

import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The controller of one pool as the {@code dbpool} endpoint shows it.
 *
 * @param mode what it is doing: MEASURING before its first decision, STEADY, PROBING, HOLDING, SHRINKING, PAUSED
 * after a manual resize, or UNMEASURED when it cannot measure the load and leaves the pool alone
 * @param target the working maximum now
 * @param floor permanent connections, the least it shrinks to
 * @param ceiling size + overflow, the most it grows to
 * @param allowed its share of the connection budget at the last tick, null without a budget
 * @param share how the share was worked out, null without a budget
 * @param knee the size at which growth stopped helping, while holding there
 * @param pausedUntil when a manual resize's pause ends, null when not paused
 * @param decisions the last changes, newest first
 */
public record AutosizeState(String mode, int target, int floor, int ceiling, @Nullable Integer allowed,
		@Nullable String share, @Nullable Integer knee, @Nullable Instant pausedUntil, List<Change> decisions) {

	/**
	 * One change of the working maximum.
	 *
	 * @param at when
	 * @param action the kind of decision
	 * @param from working maximum before
	 * @param to working maximum after
	 * @param reason the reason with its numbers
	 */
	public record Change(Instant at, Decision.Action action, int from, int to, String reason) {

	}

}
