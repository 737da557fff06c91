package dev.poolwise.autosize;

import java.util.Locale;

import dev.poolwise.metrics.PoolSizeRecommendation;

/**
 * Decides a pool's working maximum from one observation per tick; pure and deterministic, so a sequence of
 * observations always gives the same decisions. The window of the first tick is not judged. Growth is an
 * experiment: while callers wait it adds connections and keeps going only if the step raised throughput by at
 * least {@code minGain} of what one connection delivered before, per connection the step put to use, and
 * lowered the wait (or raised throughput so clearly that the lagging wait does not matter). Like TCP's slow
 * start it ramps first: each step adds the waiting callers, at most twice the pool's size (all of them once a
 * step of the ramp clearly paid for itself against a base of at least {@value #SAMPLE} borrows per connection,
 * so a pool where connections help reaches its demand on the second step), and is judged on the next tick.
 * Only a step that clearly helped (twice the needed gain) is believed on one tick: one that looks as if it did
 * not help, or helped only a little, is measured again on the next tick, which decides in the ramp (whose first
 * window still has connections opening); after the ramp it helped only if both ticks say so. A step that did
 * not help means the server is the bottleneck (CPU, locks, I/O): the pool goes back to the knee, the last size
 * at which growth still helped, the ramp ends, and later steps add {@code step} and are judged once the window
 * after them has settled. While holding it measures the knee's level and its
 * spread, how far a tick strays from that level, and a step from the knee must raise throughput by twice the
 * spread besides, so that on a server whose throughput is flat past the knee a noisy tick does not pass for a
 * gain and ratchet the knee up. Held at the knee with callers still waiting, it tries a step again after
 * {@code cooldown}, twice as long after each retry that did not pay, at most {@value #RETRIES} times, and
 * otherwise holds until more load (throughput up by a quarter, or the wait doubled) lasts five ticks; a pool
 * held at its ceiling or budget share grows again as soon as that rises. Without waiting
 * callers for {@code shrinkDelay} it shrinks toward the connections Little's law says are in use (with
 * {@link PoolSizeRecommendation#HEADROOM} headroom), at most a step at a time and one change per
 * {@code cooldown}. Above what the budget share allows it cuts back at once. While other instances share the
 * budget, waiting callers grow the pool up to its guaranteed share at once, whether or not steps help: on a
 * saturated server the fleet's connections are then split fairly instead of held by whoever grew first.
 */
public final class AutosizeController {

	/**
	 * How much the mean wait may rise over a step that helped only a little: waits lag, since callers queued
	 * before the step count in the window after it, so a step that at least doubled the needed gain helped
	 * whatever the wait did.
	 */
	private static final double WAIT_TOLERANCE = 1.25;

	/** Rise of throughput (the server got faster) that, like a doubled wait, counts as new load when holding. */
	private static final double LOAD_CHANGE = 0.25;

	/** Weight of each tick in the knee's level while holding, so the level follows a slow drift. */
	private static final double KNEE_SMOOTHING = 0.2;

	/**
	 * How many times the knee's spread (the mean deviation of a tick's throughput from the knee's level) a
	 * step from the knee must raise throughput by, so that a noisy tick does not pass for a gain.
	 */
	private static final double NOISE = 2;

	/** Consecutive ticks a new load must last before growth is tried again, so noise does not resize. */
	private static final int LOAD_CHANGE_TICKS = 5;

	/** Steps tried again from the knee while callers still wait, before holding until the load changes. */
	static final int RETRIES = 3;

	/**
	 * Borrows per connection a step's base must rest on before the step, clearly paid, may take the pool to
	 * all its waiting callers: fewer, and one borrow more or less fakes a gain. The autosizer's early tick
	 * waits for as many.
	 */
	static final int SAMPLE = 4;

	/** Least time before the first retry from the knee, whatever the cooldown. */
	private static final long MIN_RETRY_NANOS = 1_000_000_000L;

	private final int step;

	private final double minGain;

	private final double waitThresholdMillis;

	private final long shrinkDelayNanos;

	private final long cooldownNanos;

	private Mode mode = Mode.STEADY;

	private long lastChangeNanos;

	private long lastWaitingNanos;

	private Measure base = new Measure(0, 0, 0, 0, 0);

	private int changedTicks;

	private boolean measured;

	private boolean settling;

	private boolean atLimit;

	private boolean kneeUnmeasured;

	private boolean ramping = true;

	private boolean doubted;

	private boolean firstEarned;

	private boolean paidClearly;

	private int guaranteed;

	private double spread;

	private int retries;

	/**
	 * @param step most connections one decision adds or removes, at least 1
	 * @param minGain share of the per-connection throughput each added connection must add
	 * @param waitThresholdMillis mean acquire wait from which callers count as waiting
	 * @param shrinkDelayNanos time without waiting callers before shrinking
	 * @param cooldownNanos least time between changes other than the steps of one growth
	 * @param startNanos monotonic time the controller starts at
	 */
	public AutosizeController(int step, double minGain, double waitThresholdMillis, long shrinkDelayNanos,
			long cooldownNanos, long startNanos) {
		this.step = step;
		this.minGain = minGain;
		this.waitThresholdMillis = waitThresholdMillis;
		this.shrinkDelayNanos = shrinkDelayNanos;
		this.cooldownNanos = cooldownNanos;
		this.lastChangeNanos = startNanos - cooldownNanos;
		this.lastWaitingNanos = startNanos;
	}

	/**
	 * What the controller is doing.
	 * @return the mode
	 */
	public Mode mode() {
		return this.mode;
	}

	/**
	 * Whether the first tick, which only measures the load, has passed.
	 * @return true once the controller decides
	 */
	public boolean measured() {
		return this.measured;
	}

	/**
	 * The size growth last found to help, where the controller holds while the server is the bottleneck.
	 * @return the knee, or 0 before any growth was judged
	 */
	public int knee() {
		return (this.mode == Mode.HOLDING) ? this.base.max : 0;
	}

	/**
	 * Whether callers wait for connections: some were waiting at the moment of the observation, or the mean
	 * wait reached the threshold.
	 * @param o the observation
	 * @return true if so
	 */
	public boolean waiting(Observation o) {
		return o.pending() > 0 || o.meanWaitMillis() >= this.waitThresholdMillis;
	}

	/**
	 * Forgets the experiment in progress, as after a manual resize: the next observation starts afresh.
	 * @param nanos monotonic time now
	 */
	public void reset(long nanos) {
		this.mode = Mode.STEADY;
		this.settling = true;
		this.ramping = true;
		this.doubted = false;
		this.retries = 0;
		this.spread = 0;
		this.lastChangeNanos = nanos;
		this.lastWaitingNanos = nanos;
	}

	/**
	 * Judges the next observation, though it may be the first or follow a change: its window began when
	 * callers started to wait in a calm pool, so it holds the pool's load at its size and nothing before.
	 */
	void windowStartsAtSpike() {
		this.measured = true;
		this.settling = false;
	}

	/**
	 * Decides on one tick.
	 * @param o what the tick measured
	 * @param limits the bounds now
	 * @return the decision
	 */
	public Decision decide(Observation o, Limits limits) {
		int current = o.max();
		int top = limits.top();
		this.guaranteed = limits.guaranteed();
		boolean waiting = waiting(o);
		if (waiting) {
			this.lastWaitingNanos = o.nanos();
		}
		if (current > top) {
			this.mode = Mode.STEADY;
			this.settling = true;
			return change(Decision.Action.LIMIT, current, top, o, "above what it may use now: ceiling "
					+ limits.ceiling() + ((limits.allowed() < limits.ceiling())
							? ", share of the connection budget " + limits.allowed() : ""));
		}
		if (!this.measured || this.settling) {
			boolean first = !this.measured;
			this.measured = true;
			this.settling = false;
			return Decision.none(current, first ? "measuring the load before the first decision"
					: "letting the change to " + current + " settle before measuring it");
		}
		return switch (this.mode) {
			case PROBING -> judgeStep(o, top, waiting, limits.guaranteed());
			case HOLDING -> hold(o, top, waiting, limits.guaranteed());
			case STEADY, SHRINKING -> steady(o, limits, top, waiting);
		};
	}

	private Decision judgeStep(Observation o, int top, boolean waiting, int guaranteed) {
		int current = o.max();
		if (!waiting) {
			eased();
			return Decision.none(current, "no caller waits any more at " + current);
		}
		int added = current - this.base.max;
		double perConnection = this.base.throughput / Math.max(1, this.base.max);
		double gain = (added > 0) ? (o.throughput() - this.base.throughput) / putToUse(o, added) : 0;
		double needed = this.minGain * perConnection;
		boolean waitRose = o.meanWaitMillis() > WAIT_TOLERANCE * this.base.waitMillis + this.waitThresholdMillis;
		double rise = o.throughput() - this.base.throughput;
		double noise = NOISE * this.spread;
		boolean earned = gain >= needed && (!waitRose || gain >= 2 * needed) && rise >= noise;
		boolean clearly = gain >= 2 * needed && rise >= 2 * noise;
		String judged = String.format(Locale.ROOT,
				"step %d -> %d: throughput %.0f -> %.0f/s (%+.0f/s per added connection, needed %.0f%s), "
						+ "mean wait %.1f -> %.1fms",
				this.base.max, current, this.base.throughput, o.throughput(), gain, needed,
				(noise > 0) ? String.format(Locale.ROOT, " and a rise of %.0f/s above the noise", noise) : "",
				this.base.waitMillis, o.meanWaitMillis());
		int knee = Math.max(this.base.max, Math.min(current, guaranteed));
		if (!clearly && knee < current) {
			if (!this.doubted) {
				this.doubted = true;
				this.firstEarned = earned;
				return Decision.none(current,
						judged + (earned ? " helped only a little" : " looked as if it did not help")
								+ "; measuring it again");
			}
			this.doubted = false;
			// The ramp judges a step on the next tick, while its connections still open: the second tick decides.
			// From the knee the window has settled first, and both ticks must say the step helped.
			earned = earned && (this.ramping || this.firstEarned);
		}
		if (!earned && knee < current) {
			this.mode = Mode.HOLDING;
			this.ramping = false;
			this.atLimit = false;
			this.kneeUnmeasured = true;
			this.settling = true;
			return change(Decision.Action.BACK_OFF, current, knee, o, judged
					+ " did not help, measured twice: the server is the bottleneck; back to the knee at " + knee);
		}
		this.doubted = false;
		if (earned) {
			this.retries = 0;
		}
		boolean sampled = this.base.borrows() >= (double) SAMPLE * this.base.max();
		this.base = Measure.of(o);
		int cap = earned ? top : Math.min(top, guaranteed);
		if (current < cap) {
			this.paidClearly = clearly && sampled;
			int next = next(o, cap);
			this.settling = !this.ramping;
			return change(Decision.Action.GROW, current, next, o, judged + (earned ? " helped and callers still wait"
					: " did not help, but callers wait and the fleet guarantees this pool " + guaranteed));
		}
		this.mode = Mode.HOLDING;
		this.atLimit = earned;
		this.kneeUnmeasured = !earned;
		return Decision.none(current, judged + (earned ? " helped; holding at what it may use, " + top
				: "; holding at the share the fleet guarantees, " + current));
	}

	private Decision hold(Observation o, int top, boolean waiting, int guaranteed) {
		int current = o.max();
		if (!waiting) {
			eased();
			return Decision.none(current, "load eased at the knee " + current);
		}
		if (this.atLimit && current < top) {
			return probe(o, top, "room to grow again: the pool may use " + top + " now");
		}
		if (current < Math.min(guaranteed, top)) {
			return probe(o, Math.min(guaranteed, top), "callers wait and the fleet guarantees this pool "
					+ guaranteed);
		}
		if (this.kneeUnmeasured) {
			this.kneeUnmeasured = false;
			this.spread = 0;
			this.base = Measure.of(o);
			return Decision.none(current, "measured the knee " + current);
		}
		long retryNanos = Math.max(this.cooldownNanos, MIN_RETRY_NANOS) << this.retries;
		if (this.retries < RETRIES && current < top && o.nanos() - this.lastChangeNanos >= retryNanos) {
			this.retries++;
			this.changedTicks = 0;
			return probe(o, top, this.base, String.format(Locale.ROOT,
					"callers still wait at the knee %d (%d pending, mean wait %.1fms); trying a step again "
							+ "(retry %d of %d)",
					current, o.pending(), o.meanWaitMillis(), this.retries, RETRIES));
		}
		double throughput = this.base.throughput;
		boolean more = o.throughput() > (1 + LOAD_CHANGE) * throughput
				|| o.meanWaitMillis() > 2 * this.base.waitMillis + this.waitThresholdMillis;
		this.changedTicks = more ? this.changedTicks + 1 : 0;
		if (!more) {
			this.spread = (1 - KNEE_SMOOTHING) * this.spread
					+ KNEE_SMOOTHING * Math.abs(o.throughput() - throughput);
			this.base = new Measure(current, (1 - KNEE_SMOOTHING) * throughput + KNEE_SMOOTHING * o.throughput(),
					(1 - KNEE_SMOOTHING) * this.base.waitMillis + KNEE_SMOOTHING * o.meanWaitMillis(), o.inUse(),
					(1 - KNEE_SMOOTHING) * this.base.borrows + KNEE_SMOOTHING * o.handedOut());
		}
		if (this.changedTicks >= LOAD_CHANGE_TICKS && current < top && cooledDown(o)) {
			this.changedTicks = 0;
			this.retries = 0;
			this.ramping = true;
			return probe(o, top, String.format(Locale.ROOT,
					"the load changed at the knee %d (throughput %.0f -> %.0f/s, mean wait %.1f -> %.1fms); "
							+ "trying more connections",
					current, throughput, o.throughput(), this.base.waitMillis, o.meanWaitMillis()));
		}
		return Decision.none(current, "holding at the knee " + current);
	}

	private Decision steady(Observation o, Limits limits, int top, boolean waiting) {
		int current = o.max();
		if (waiting) {
			this.mode = Mode.STEADY;
			if (current >= top) {
				return Decision.none(current, "callers wait but the pool is at what it may use (" + top + ")");
			}
			return probe(o, top, String.format(Locale.ROOT, "callers wait (%d pending, mean wait %.1fms)",
					o.pending(), o.meanWaitMillis()));
		}
		int needed = needed(o, limits.floor());
		if (current <= needed) {
			this.mode = Mode.STEADY;
		}
		if (current <= needed || o.nanos() - this.lastWaitingNanos < this.shrinkDelayNanos || !cooledDown(o)) {
			return Decision.none(current, "steady");
		}
		int next = Math.max(needed, current - this.step);
		this.mode = Mode.SHRINKING;
		this.settling = true;
		return change(Decision.Action.SHRINK, current, next, o, String.format(Locale.ROOT,
				"no caller waited for %ds and %.1f connections were in use on average, which %d cover with %.1fx "
						+ "headroom",
				(o.nanos() - this.lastWaitingNanos) / 1_000_000_000L, o.inUse(), needed,
				PoolSizeRecommendation.HEADROOM));
	}

	/**
	 * The connections a pool's load needs: those in use on average with the size recommendation's headroom,
	 * never below the floor. What it shrinks toward, and what it keeps when it lends to other instances.
	 * @param o the observation
	 * @param floor permanent connections
	 * @return the connections needed
	 */
	static int needed(Observation o, int floor) {
		return Math.max(floor, (int) Math.ceil(o.inUse() * PoolSizeRecommendation.HEADROOM - 1e-9));
	}

	private Decision probe(Observation o, int top, String reason) {
		return probe(o, top, Measure.of(o), reason);
	}

	/**
	 * Takes a growth step, judged later against {@code from}: this tick, or the knee's level measured over
	 * many ticks when trying again from the knee, so one noisy tick does not make the retry look good.
	 */
	private Decision probe(Observation o, int top, Measure from, String reason) {
		int current = o.max();
		this.mode = Mode.PROBING;
		this.atLimit = false;
		this.doubted = false;
		this.paidClearly = false;
		this.settling = !this.ramping;
		this.base = from;
		return change(Decision.Action.GROW, current, next(o, top), o, reason);
	}

	/**
	 * The load eased: the next growth ramps again, as TCP restarts slow start after an idle period.
	 */
	private void eased() {
		this.mode = Mode.STEADY;
		this.spread = 0;
		this.changedTicks = 0;
		this.ramping = true;
		this.doubted = false;
		this.retries = 0;
	}

	/**
	 * The size a step grows to, at most {@code top}: while ramping it adds the waiting callers, at most twice the
	 * pool's size (and at least {@code step}), and all of them once a step of the ramp clearly paid for itself;
	 * after the ramp it adds {@code step}; never more than the callers waiting. Up to the share the fleet
	 * guarantees, the waiting callers are added at once.
	 */
	private int next(Observation o, int top) {
		int callers = Math.max(o.pending(), 1);
		int most = !this.ramping ? this.step : this.paidClearly ? callers : Math.max(this.step, 2 * o.max());
		int owed = Math.min(this.guaranteed, o.max() + o.pending());
		return Math.min(top, Math.max(owed, o.max() + Math.max(1, Math.min(most, callers))));
	}

	/**
	 * The connections a step put to use: the rise of the mean connections in use, which leaves out
	 * connections still opening during the window, but at least half the step, so that a window in which the
	 * pool barely used its new connections does not make noise look like a large gain per connection.
	 */
	private double putToUse(Observation o, int added) {
		return Math.max(added / 2.0, Math.min(added, o.inUse() - this.base.inUse));
	}

	private boolean cooledDown(Observation o) {
		return o.nanos() - this.lastChangeNanos >= this.cooldownNanos;
	}

	private Decision change(Decision.Action action, int from, int to, Observation o, String reason) {
		if (from != to) {
			this.lastChangeNanos = o.nanos();
		}
		return new Decision(action, from, to, reason);
	}

	/**
	 * What the controller is doing between decisions.
	 */
	public enum Mode {

		/** Following the load: grows when callers wait, shrinks when idle. */
		STEADY,

		/** A growth step was taken and is judged on the next tick. */
		PROBING,

		/** More connections did not help: holding at the knee until the load changes. */
		HOLDING,

		/** No caller waited for the shrink delay: giving back connections a step per cooldown. */
		SHRINKING

	}

	/**
	 * Size, throughput, wait and connections in use at the start of a step, and the borrows a window of it
	 * rests on (the knee's level: a window's on average).
	 */
	private record Measure(int max, double throughput, double waitMillis, double inUse, double borrows) {

		static Measure of(Observation o) {
			return new Measure(o.max(), o.throughput(), o.meanWaitMillis(), o.inUse(), o.handedOut());
		}

	}

}
