package dev.poolwise.metrics;

import java.time.Duration;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

import dev.poolwise.validation.Durations;

/**
 * The connections a pool needs for the load that arrived in a window, by Little's law: the mean number of
 * connections in use is the rate at which borrows arrive times how long each connection is held. Arrivals
 * count every borrow, the ones that timed out too, and the callers still waiting when the window closed are
 * demand the pool has not served: on a saturated pool the rate it hands connections out at is its own
 * ceiling divided by the hold time, which would only ever recommend the size it already has. Bursts sit above
 * the mean, so the result carries {@value #HEADROOM}× headroom; at that size the measured load uses two thirds
 * of the pool, just under the default warn utilization of 0.7:
 * <pre>
 * demand      = max(borrows / window × held seconds / served, in use + waiting when callers wait)
 * recommended = max(1, ceil(demand × 1.5))
 * </pre>
 * A connection still held when the window closes is counted in the window in which it is returned. More
 * connections do not help callers whose connections sit idle in a transaction, so when most in use do, the
 * explanation says so and names the code that holds them.
 */
public final class PoolSizeRecommendation {

	/** Factor above the mean load that leaves room for bursts. */
	public static final double HEADROOM = 1.5;

	/** Guards the ceiling against binary fractions: 2 × 1.5 must stay 3, not become 4. */
	private static final double EPSILON = 1e-9;

	private final long acquisitions;

	private final long usages;

	private final double usageSeconds;

	private final Duration window;

	private final Pressure pressure;

	/**
	 * @param acquisitions connections handed out in the window
	 * @param usages connections returned in the window
	 * @param usageSeconds total time the returned connections were held
	 * @param window the window's length, more than zero
	 */
	public PoolSizeRecommendation(long acquisitions, long usages, double usageSeconds, Duration window) {
		this(acquisitions, usages, usageSeconds, window, Pressure.NONE);
	}

	/**
	 * @param borrows borrows that arrived in the window and ended, with a connection or a timeout
	 * @param served connections returned in the window
	 * @param usageSeconds total time the returned connections were held
	 * @param window the window's length, more than zero
	 * @param pressure what the pool showed of unserved demand and idle holders when the window closed
	 */
	public PoolSizeRecommendation(long borrows, long served, double usageSeconds, Duration window,
			Pressure pressure) {
		this.acquisitions = borrows;
		this.usages = served;
		this.usageSeconds = usageSeconds;
		this.window = window;
		this.pressure = pressure;
	}

	/**
	 * Arrival rate λ.
	 * @return borrows per second, the ones that timed out included
	 */
	public double acquireRate() {
		return this.acquisitions / (this.window.toNanos() / 1e9);
	}

	/**
	 * Time in system W.
	 * @return mean seconds a connection was held, 0 if none was returned
	 */
	public double meanUsageSeconds() {
		return (this.usages > 0) ? this.usageSeconds / this.usages : 0;
	}

	/**
	 * Mean load L = λ × W, or, while callers wait, at least the connections in use and the callers waiting.
	 * @return connections the load needs on average
	 */
	public double connectionsInUse() {
		double littlesLaw = acquireRate() * meanUsageSeconds();
		int queued = (this.pressure.waiting() > 0) ? this.pressure.active() + this.pressure.waiting() : 0;
		return Math.max(littlesLaw, queued);
	}

	/**
	 * The recommended pool size.
	 * @return {@code max(1, ceil(L × HEADROOM))}
	 */
	public int recommendedSize() {
		return (int) Math.max(1, Math.ceil(connectionsInUse() * HEADROOM - EPSILON));
	}

	/**
	 * Whether most connections in use sit idle in a transaction, so that more connections are not the fix.
	 * @return true when at least half of those in use do
	 */
	public boolean heldIdle() {
		return this.pressure.heldIdle();
	}

	/**
	 * The numbers behind the recommendation and what they mean for the pool as configured.
	 * @param size the pool's permanent connections
	 * @param maxPoolSize the most connections it may open
	 * @param utilization active / max right now
	 * @return a few sentences
	 */
	public String explain(int size, int maxPoolSize, double utilization) {
		int recommended = recommendedSize();
		StringBuilder text = new StringBuilder(String.format(Locale.ROOT,
				"In the last %s borrows arrived at %.2f/s and each connection was held %.3fs on average, so %.2f "
						+ "were needed on average (Little's law: L = λ × W). ",
				Durations.format(this.window), acquireRate(), meanUsageSeconds(), acquireRate() * meanUsageSeconds()));
		if (this.pressure.timeouts() > 0 || this.pressure.waiting() > 0) {
			text.append(String.format(Locale.ROOT, "The pool turned callers away: %d borrow(s) timed out or were "
					+ "turned away in the window and %d caller(s) were waiting at its end with %d connection(s) in use, so the demand "
					+ "is at least %.0f, not the pool's own ceiling. ", this.pressure.timeouts(),
					this.pressure.waiting(), this.pressure.active(), connectionsInUse()));
		}
		text.append(String.format(Locale.ROOT,
				"With %.1f× headroom for bursts it needs %d. It allows %d (%d permanent) and %.0f%% are in use now. ",
				HEADROOM, recommended, maxPoolSize, size, utilization * 100));
		if (heldIdle()) {
			text.append(String.format(Locale.ROOT, "But %d of the application's %d busy session(s) sit idle in a "
					+ "transaction (pg_stat_activity): the database does nothing for them while the code holding them "
					+ "does something else, so more connections are not the fix, shorter transactions are (move the "
					+ "slow work out of the transaction)", this.pressure.idleInTransaction(), this.pressure.busy()));
			String holders = this.pressure.holders();
			text.append((holders != null && !holders.isEmpty()) ? "; held now: " + holders + "." : ".");
			return text.toString();
		}
		if (recommended > maxPoolSize) {
			return text + "The pool is too small for this load: raise db.pool.size + db.pool.overflow to at least "
					+ recommended + " within the connection budget, or hold connections for less time.";
		}
		if (recommended > size) {
			return text + "Overflow connections carry part of the steady load and are opened and retired over "
					+ "and over; consider db.pool.size=" + recommended + ".";
		}
		return text + "The permanent connections cover this load"
				+ ((size > 2 * recommended) ? "; db.pool.size=" + recommended + " would free server slots." : ".");
	}

	/**
	 * What the pool showed, when the window closed, beyond the borrows it served.
	 *
	 * @param timeouts borrows in the window that timed out or were turned away
	 * @param waiting callers waiting for a connection
	 * @param active connections in use
	 * @param idleInTransaction the application's sessions idle in a transaction (all its instances), per the
	 * latest server sample, or null without one
	 * @param busy the application's sessions active or idle in a transaction, per the same sample, or null
	 * @param holders who holds this instance's connections, grouped by where they are, or null when not asked
	 */
	public record Pressure(long timeouts, int waiting, int active, @Nullable Integer idleInTransaction,
			@Nullable Integer busy, @Nullable String holders) {

		/** Nothing beyond the served load is known. */
		public static final Pressure NONE = new Pressure(0, 0, 0, null, null, null);

		/**
		 * Whether at least half the application's busy sessions sit idle in a transaction.
		 * @return true when more connections would be held the same way
		 */
		public boolean heldIdle() {
			return this.idleInTransaction != null && this.busy != null && this.idleInTransaction > 0
					&& this.idleInTransaction * 2 >= this.busy;
		}

		/**
		 * The same pressure with who holds the connections.
		 * @param holders the holders in one line
		 * @return a copy
		 */
		public Pressure withHolders(String holders) {
			return new Pressure(this.timeouts, this.waiting, this.active, this.idleInTransaction, this.busy,
					holders);
		}

	}

}
