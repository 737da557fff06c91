package dev.poolwise.budget;

import java.util.List;

/**
 * One autosized pool's share of the server's connection budget across the instances of its application,
 * the fairness rule of autosizing. Every instance is guaranteed its floor plus an equal part of what the
 * floors leave, {@code floor + (available - Σ floors) / instances}. It may borrow beyond that whatever the
 * others neither hold nor claim, and gives it back when they want their guaranteed share again: each other
 * instance reserves the larger of its claim and the part of its guarantee it wants, and the sessions the
 * application holds on the server count when they are more than the claims (an instance with a fixed pool
 * claims nothing). Pure arithmetic; the claims come from PostgreSQL.
 *
 * @param available connections the application's pools may hold: max_connections less reserved slots and
 * every session that is not one of the application's pool sessions
 * @param instances instances sharing the budget
 * @param guaranteed what this pool may always grow to
 * @param reserved what the other instances hold or claim
 * @param allowed the most this pool may hold now, never below its floor
 */
public record FleetShare(int available, int instances, int guaranteed, int reserved, int allowed) {

	/**
	 * Works out the share.
	 * @param available connections the application's pools may hold on the server
	 * @param configuredInstances db.pool.instances
	 * @param own this pool's claim
	 * @param others the claims of the other autosized pools of the application on the server
	 * @param applicationSessions the application's pool sessions on the server, of every instance
	 * @param ownOpen connections this pool holds open
	 * @return the share
	 */
	public static FleetShare of(int available, int configuredInstances, Claim own, List<Claim> others,
			int applicationSessions, int ownOpen) {
		int instances = Math.max(configuredInstances, others.size() + 1);
		int unseen = instances - 1 - others.size();
		long floors = (long) own.floor() * (1 + unseen) + others.stream().mapToLong(Claim::floor).sum();
		int spare = (int) Math.max(0, (available - floors) / instances);
		int claimed = others.stream().mapToInt((other) -> Math.max(other.claim(), Math.min(other.want(),
				other.floor() + spare))).sum();
		int reserved = Math.max(claimed, applicationSessions - ownOpen);
		return new FleetShare(available, instances, own.floor() + spare, reserved,
				Math.max(own.floor(), available - reserved));
	}

	/**
	 * The numbers, for a log line.
	 * @return e.g. {@code share 31 of 41 (3 instances, guaranteed 13, others hold or claim 10)}
	 */
	public String explain() {
		return "share " + this.allowed + " of " + this.available + " (" + this.instances + " instance(s), guaranteed "
				+ this.guaranteed + ", others hold or claim " + this.reserved + ")";
	}

	/**
	 * What one autosized pool publishes about itself.
	 *
	 * @param floor its permanent connections
	 * @param claim the connections it may hold now: its working maximum, or more while surplus ones close
	 * @param want the working maximum it would use if the budget allowed
	 */
	public record Claim(int floor, int claim, int want) {

	}

}
