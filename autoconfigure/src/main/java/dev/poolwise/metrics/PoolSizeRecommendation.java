package dev.poolwise.metrics;

import java.time.Duration;
import java.util.Locale;

import dev.poolwise.validation.Durations;

/**
 * The connections a pool needs for the load it served in a window, by Little's law: the mean number of
 * connections in use is the rate at which they are handed out times how long each is held. Bursts sit above
 * the mean, so the result carries {@value #HEADROOM}× headroom; at that size the measured load uses two
 * thirds of the pool, just under the default warn utilization of 0.7:
 * <pre>
 * recommended = max(1, ceil(acquisitions / window × usage seconds / usages × 1.5))
 * </pre>
 * A connection still held when the window closes is counted in the window in which it is returned.
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

	/**
	 * @param acquisitions connections handed out in the window
	 * @param usages connections returned in the window
	 * @param usageSeconds total time the returned connections were held
	 * @param window the window's length, more than zero
	 */
	public PoolSizeRecommendation(long acquisitions, long usages, double usageSeconds, Duration window) {
		this.acquisitions = acquisitions;
		this.usages = usages;
		this.usageSeconds = usageSeconds;
		this.window = window;
	}

	/**
	 * Arrival rate λ.
	 * @return connections handed out per second
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
	 * Mean load L = λ × W.
	 * @return connections in use on average
	 */
	public double connectionsInUse() {
		return acquireRate() * meanUsageSeconds();
	}

	/**
	 * The recommended pool size.
	 * @return {@code max(1, ceil(L × HEADROOM))}
	 */
	public int recommendedSize() {
		return (int) Math.max(1, Math.ceil(connectionsInUse() * HEADROOM - EPSILON));
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
		String measured = String.format(Locale.ROOT,
				"In the last %s the pool handed out %.2f connections/s, each held %.3fs on average, so %.2f "
						+ "were in use on average (Little's law: L = λ × W). With %.1f× headroom for bursts it "
						+ "needs %d. It allows %d (%d permanent) and %.0f%% are in use now. ",
				Durations.format(this.window), acquireRate(), meanUsageSeconds(), connectionsInUse(), HEADROOM,
				recommended, maxPoolSize, size, utilization * 100);
		if (recommended > maxPoolSize) {
			return measured + "The pool is too small for this load: raise db.pool.size + db.pool.overflow to at least "
					+ recommended + " within the connection budget, or hold connections for less time.";
		}
		if (recommended > size) {
			return measured + "Overflow connections carry part of the steady load and are opened and retired over "
					+ "and over; consider db.pool.size=" + recommended + ".";
		}
		return measured + "The permanent connections cover this load"
				+ ((size > 2 * recommended) ? "; db.pool.size=" + recommended + " would free server slots." : ".");
	}

}
