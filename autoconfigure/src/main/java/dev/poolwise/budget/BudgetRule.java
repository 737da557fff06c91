package dev.poolwise.budget;

import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.poolwise.net.SideConnections;
import dev.poolwise.registry.LivePool;
import dev.poolwise.validation.Violation;

/**
 * One pool's connection budget on one server, and the one place that judges the pool's numbers against
 * it: startup, the health indicator and a runtime resize all ask it, so they always agree and say it in
 * the same words. The pool is planned together with every other live pool of this JVM on the same server
 * (counted through their maximum, not twice) for all replicas of the application: as many as configured or
 * counted on the server, whichever is more. An autosized pool's live share of the budget across those
 * replicas, which it may borrow beyond and gives back, is worked out here too ({@link #fleetShare}).
 */
public final class BudgetRule {

	/**
	 * Slots each instance of a fleet keeps for its side connections that come and go, which no read of the
	 * budget sees before they open: a dry pool's read of its holders, the endpoint's reads, the health probe's
	 * first connection.
	 */
	static final int TRANSIENT_SIDE_CONNECTIONS = 1;

	private final String pool;

	private final ConnectionBudget budget;

	private final BudgetPolicy policy;

	/**
	 * @param pool the pool's bean name
	 * @param budget the server's slots the pool is judged by
	 * @param policy what the pool's configuration says about its budget
	 */
	public BudgetRule(String pool, ConnectionBudget budget, BudgetPolicy policy) {
		this.pool = pool;
		this.budget = budget;
		this.policy = policy;
	}

	/**
	 * The rule for a pool from what its server showed at startup. This JVM's other pools on the server are
	 * planned through their maximum, so the sessions they hold are taken out of the connections in use rather
	 * than counted twice. When more instances are counted than configured, their pools are planned for in full
	 * too, so the sessions named like the pool's that other instances hold are taken out as well.
	 * @param pool the pool's bean name
	 * @param applicationName the application_name of the pool's sessions
	 * @param budget the server's slots as read at startup
	 * @param fleet the application's instances and sessions as the server showed them then
	 * @param others the other live pools of this JVM on the same server
	 * @param policy what the pool's configuration says about its budget
	 * @return the rule
	 */
	public static BudgetRule measured(String pool, String applicationName, ConnectionBudget budget, Fleet fleet,
			List<LivePool> others, BudgetPolicy policy) {
		ConnectionBudget withoutOwn = budget.excluding(others.stream().mapToInt(LivePool::openConnections).sum());
		if (!policy.instances(fleet.counted()).isCounted()) {
			return new BudgetRule(pool, withoutOwn, policy);
		}
		int own = others.stream()
			.filter((other) -> SideConnections.applicationName(other.dataSource()).equals(applicationName))
			.mapToInt(LivePool::openConnections)
			.sum();
		return new BudgetRule(pool, withoutOwn.excluding(Math.max(0, fleet.applicationSessions() - own)), policy);
	}

	/**
	 * The server's slots the pool is judged by.
	 * @return the budget as measured at startup
	 */
	public ConnectionBudget budget() {
		return this.budget;
	}

	/**
	 * The largest maximum (size + overflow) the pool may have now and still fit.
	 * @param others the other live pools of this JVM on the same server, as they are now
	 * @param counted instances counted on the server, this one included, or 0 when not counted
	 * @return connections per instance, 0 when even one does not fit
	 */
	public int ceiling(List<LivePool> others, int counted) {
		return Math.max(0, room(others, this.policy.instances(counted)));
	}

	/**
	 * Judges the pool's numbers.
	 * @param others the other live pools of this JVM on the same server, as they are now
	 * @param counted instances counted on the server, this one included, or 0 when not counted
	 * @param sizes the numbers and the names they go by in messages
	 * @return the verdict
	 */
	public Verdict judge(List<LivePool> others, int counted, Sizes sizes) {
		Instances instances = this.policy.instances(counted);
		int othersMax = others.stream().mapToInt(LivePool::maxPoolSize).sum();
		int perInstance = sizes.maxPoolSize() + othersMax;
		long planned = (long) instances.effective() * perInstance;
		int available = this.budget.available();
		int room = room(others, instances);
		String plan = instances.describe() + " x " + perInstance + " connections"
				+ (others.isEmpty() ? "" : " (pool '" + this.pool + "' with " + sizes.maxPoolSize() + " plus "
						+ others.size() + " other live pool(s) of this JVM with " + othersMax + ")")
				+ " = " + planned;
		Violation exceeded = this.budget.fits(instances.effective(), perInstance) ? null
				: exceeded(plan, sizes, room);
		String warning = (planned * 10 <= available * 9L) ? null
				: "connection budget " + ((exceeded != null) ? "exceeded" : "nearly spent") + ": " + plan
						+ ", but the server had " + this.budget.explain() + " at startup";
		return new Verdict(planned, available, Math.max(0, room), exceeded, warning, this.policy.enforce(),
				this.policy.enforceKey());
	}

	/**
	 * One autosized pool's share of the server's connection budget across the instances of its application,
	 * the fairness rule of autosizing. Every instance is guaranteed its floor plus an equal part of what the
	 * floors leave, {@code floor + (available - Σ floors) / instances}. It may borrow beyond that whatever the
	 * others neither hold nor claim, and gives it back when they want their guaranteed share again: each other
	 * instance reserves the larger of its claim and the part of its guarantee it wants, and the sessions the
	 * application holds on the server count when they are more than the claims (an instance with a fixed pool
	 * claims nothing). An instance configured ({@code db.pool.instances}) but not claiming yet has its floor and
	 * the connection it claims over kept free, so it can start and claim however busy the others are, and every
	 * instance keeps {@value #TRANSIENT_SIDE_CONNECTIONS} slot for its side connections that come and go. Pure
	 * arithmetic; the claims come from PostgreSQL.
	 * @param available connections the application's pools may hold on the server as read: max_connections less
	 * the reserved slots and every session that is not one of the application's pool sessions
	 * @param configuredInstances db.pool.instances
	 * @param own this pool's claim
	 * @param others the claims of the other autosized pools of the application on the server
	 * @param applicationSessions the application's pool sessions on the server, of every instance
	 * @param ownOpen connections this pool holds open
	 * @return the share
	 */
	public static FleetShare fleetShare(int available, int configuredInstances, Claim own, List<Claim> others,
			int applicationSessions, int ownOpen) {
		int instances = Math.max(configuredInstances, others.size() + 1);
		int usable = Math.max(0, available - instances * TRANSIENT_SIDE_CONNECTIONS);
		int unseen = instances - 1 - others.size();
		long floors = (long) own.floor() * (1 + unseen) + others.stream().mapToLong(Claim::floor).sum();
		int spare = (int) Math.max(0, (usable - floors) / instances);
		int claimed = others.stream().mapToInt((other) -> Math.max(other.claim(), Math.min(other.want(),
				other.floor() + spare))).sum();
		int reserved = Math.max(claimed, applicationSessions - ownOpen) + unseen * (own.floor() + 1);
		int wanted = others.stream().mapToInt((other) -> Math.max(0, other.want() - Math.max(other.claim(),
				Math.min(other.want(), other.floor() + spare)))).sum();
		return new FleetShare(usable, instances, own.floor() + spare, reserved,
				Math.max(own.floor(), usable - reserved), wanted);
	}

	private int room(List<LivePool> others, Instances instances) {
		return this.budget.maxPoolSizePerInstance(instances.effective())
				- others.stream().mapToInt(LivePool::maxPoolSize).sum();
	}

	private Violation exceeded(String plan, Sizes sizes, int room) {
		String rule = "connection budget exceeded: " + plan + ", but the server has " + this.budget.explain();
		String fix = (room < 1) ? "Run fewer instances or pools, or raise max_connections (or put PgBouncer in front)."
				: "Keep size + overflow of '" + this.pool + "' at or below " + room + " per instance, e.g. "
						+ sizes.fitting(room) + ", or raise max_connections.";
		return new Violation(sizes.sizeKey() + " + " + sizes.overflowKey(), sizes.maxPoolSize(), rule, fix);
	}

	/**
	 * A pool's numbers, with the names they go by where they were set: the configuration's keys at
	 * startup, the request's fields for a resize.
	 *
	 * @param sizeKey the name size goes by, e.g. {@code db.pool.size}
	 * @param overflowKey the name overflow goes by
	 * @param size permanent connections
	 * @param maxPoolSize size plus overflow
	 */
	public record Sizes(String sizeKey, String overflowKey, int size, int maxPoolSize) {

		/**
		 * Values that fit, for whichever keys set the pool: Hikari's maximum-pool-size is the whole pool,
		 * where db.pool's overflow is the part above size.
		 */
		String fitting(int room) {
			int fittingSize = Math.min(this.size, room);
			int fittingOverflow = this.overflowKey.endsWith("maximum-pool-size") ? room : room - fittingSize;
			return this.sizeKey + "=" + fittingSize + " and " + this.overflowKey + "=" + fittingOverflow;
		}

	}

	/**
	 * A pool's standing against the budget.
	 *
	 * @param planned connections all instances may open: instances × (this pool's maximum + the other live
	 * pools' maximum)
	 * @param available slots the server had for them
	 * @param ceiling the largest maximum the pool may have and fit, 0 when none fits
	 * @param exceeded the violation when the pool does not fit, else null
	 * @param warning a sentence for an operator once less than a tenth of the budget is left, else null
	 * @param enforce whether not fitting is an error ({@code db.pool.budget.enforce}) rather than a warning
	 * @param enforceKey the property that sets {@code enforce} for the pool
	 */
	public record Verdict(long planned, int available, int ceiling, @Nullable Violation exceeded,
			@Nullable String warning, boolean enforce, String enforceKey) {

		/**
		 * Whether the pool fits.
		 * @return true when all instances' pools fit in what the server had available
		 */
		public boolean fits() {
			return this.exceeded == null;
		}

		/**
		 * The violation to refuse the numbers with: they do not fit and the budget is enforced.
		 * @return the violation when the caller must fail startup or refuse the resize, else null
		 */
		public @Nullable Violation refusal() {
			return this.enforce ? this.exceeded : null;
		}

	}

	/**
	 * An autosized pool's share of the budget, as {@link #fleetShare} works it out.
	 *
	 * @param available connections the application's pools may hold: max_connections less reserved slots, every
	 * session that is not one of the application's pool sessions, and a slot per instance for its side
	 * connections that come and go
	 * @param instances instances sharing the budget
	 * @param guaranteed what this pool may always grow to
	 * @param reserved what the other instances hold or claim
	 * @param allowed the most this pool may hold now, never below its floor
	 * @param wanted what the other instances want beyond what they hold or claim: their waiting callers above
	 * their guaranteed share
	 */
	public record FleetShare(int available, int instances, int guaranteed, int reserved, int allowed, int wanted) {

		/**
		 * The most a pool whose callers do not wait may keep: while the others want more than they hold, it lends
		 * them what it does not use, down to what it needs, rather than hold it idle until it shrinks. When its own
		 * callers wait again it takes back its guaranteed share at once, as any instance does.
		 * @param current the pool's working maximum
		 * @param needed the connections the pool's load needs, with headroom
		 * @return the share, or less while the others want more
		 */
		public int lending(int current, int needed) {
			return (this.wanted > 0) ? Math.min(this.allowed, Math.max(needed, current - this.wanted)) : this.allowed;
		}

		/**
		 * The numbers, for a log line.
		 * @return e.g. {@code share 31 of 41 (3 instances, guaranteed 13, others hold or claim 10, want 4 more)}
		 */
		public String explain() {
			return "share " + this.allowed + " of " + this.available + " (" + this.instances
					+ " instance(s), guaranteed " + this.guaranteed + ", others hold or claim " + this.reserved
					+ ((this.wanted > 0) ? ", want " + this.wanted + " more" : "") + ")";
		}

	}

	/**
	 * What one autosized pool publishes about itself.
	 *
	 * @param floor its permanent connections
	 * @param claim the connections it may hold now: its working maximum, or more while surplus ones close
	 * @param want the working maximum it would use if the budget allowed: with every waiting caller added
	 */
	public record Claim(int floor, int claim, int want) {

	}

}
