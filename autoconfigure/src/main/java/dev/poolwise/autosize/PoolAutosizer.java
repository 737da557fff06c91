package dev.poolwise.autosize;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.poolwise.budget.BudgetRule;
import dev.poolwise.holders.HolderTracking;
import dev.poolwise.login.LoginFailures;
import dev.poolwise.pool.PoolResize;
import dev.poolwise.pool.PoolSettings;
import dev.poolwise.pool.PoolStatistics;
import dev.poolwise.pool.PoolThreads;
import dev.poolwise.pool.Redaction;
import dev.poolwise.validation.Durations;

/**
 * Drives the {@link AutosizeController} of one pool on a thread of its own: every interval, and at once when
 * callers start to wait in a pool where none waited, it measures the pool, asks PostgreSQL for the pool's share
 * of the connection budget (when there is one), applies the decision through {@link PoolResize} and says why in
 * one INFO line. A manual resize pauses it. It measures the load with Poolwise's own tracker of the pool
 * ({@link HolderTracking}); a pool it cannot measure (one with a Dropwizard or Prometheus metric registry of
 * its own, beside which Hikari takes no other tracker, or whose tracker was replaced at runtime) it says so
 * once and leaves alone rather than resize it blind.
 */
public final class PoolAutosizer {

	private static final Log logger = LogFactory.getLog(PoolAutosizer.class);

	private static final int KEPT_DECISIONS = 10;

	/** Beats an interval, at each of which the autosizer looks whether a spike arrived in a calm pool. */
	private static final int BEATS = 10;

	/** Least beats a spike is measured for before the early tick. */
	private static final int SPIKE_BEATS = 2;

	/** What the controller can be doing, as the endpoint and the {@code db.pool.autosize.mode} gauges say. */
	private static final List<String> MODES = List.of("MEASURING", "STEADY", "PROBING", "HOLDING", "SHRINKING",
			"PAUSED", "UNMEASURED");

	private final HikariDataSource pool;

	private final String beanName;

	private final PoolSettings.Autosize settings;

	private final AutosizeController controller;

	private final @Nullable HolderTracking tracking;

	private final @Nullable LoadMeter meter;

	private final @Nullable FleetClaims claims;

	private final ScheduledExecutorService executor;

	private final Counter grown;

	private final Counter shrunk;

	private final Clock clock = Clock.systemUTC();

	private final Deque<AutosizeState.Change> decisions = new ArrayDeque<>();

	private final Duration retirePatience;

	private volatile int ceiling;

	private long pausedUntilNanos;

	private @Nullable Instant pausedUntil;

	private BudgetRule.@Nullable FleetShare share;

	private boolean failing;

	private volatile boolean unmeasured;

	private volatile String mode = "MEASURING";

	private final LoginFailures logins;

	private long refusalSeenNanos = System.nanoTime();

	private long refusedUntilNanos = System.nanoTime();

	private final long intervalNanos;

	private long lastTickNanos = System.nanoTime();

	private boolean calm = true;

	private int spikeBeats;

	private boolean beatFailing;

	private long spikeNanos;

	private @Nullable String metAtOnce;

	/**
	 * @param pool the pool, already tuned
	 * @param beanName its DataSource bean
	 * @param ceiling size + overflow
	 * @param settings the controller's settings
	 * @param claimId the pool's name among the application's claimants when it shares a connection budget
	 * (JVM instance id and bean name), or null without a budget (PgBouncer, lazy start)
	 * @param instances db.pool.instances
	 * @param registry where the target gauge and the changes counter go
	 * @param logins the pool's failed logins, whose refusals for want of slots stop growth
	 */
	public PoolAutosizer(HikariDataSource pool, String beanName, int ceiling, PoolSettings.Autosize settings,
			@Nullable String claimId, int instances, MeterRegistry registry, LoginFailures logins) {
		this.pool = pool;
		this.logins = logins;
		this.beanName = beanName;
		this.ceiling = ceiling;
		this.settings = settings;
		this.retirePatience = settings.interval().dividedBy(4);
		this.intervalNanos = settings.interval().toNanos();
		long now = System.nanoTime();
		this.controller = new AutosizeController(settings.step(), settings.minGain(),
				settings.waitThreshold().toNanos() / 1e6, settings.shrinkDelay().toNanos(),
				settings.cooldown().toNanos(), now);
		this.tracking = HolderTracking.of(pool);
		this.meter = (this.tracking != null) ? new LoadMeter(this.tracking, now) : null;
		this.claims = (claimId != null) ? new FleetClaims(pool, claimId, instances,
				new BudgetRule.Claim(pool.getMinimumIdle(), pool.getMinimumIdle(), pool.getMinimumIdle())) : null;
		this.executor = Executors.newSingleThreadScheduledExecutor(PoolThreads.factory("autosize", beanName));
		Gauge.builder("db.pool.autosize.target", pool, HikariDataSource::getMaximumPoolSize)
			.tag("pool", pool.getPoolName())
			.description("Working maximum the autosize controller chose")
			.register(registry);
		this.grown = changes(registry, "up");
		this.shrunk = changes(registry, "down");
		for (String each : MODES) {
			Gauge.builder("db.pool.autosize.mode", this, (autosizer) -> autosizer.mode.equals(each) ? 1 : 0)
				.tag("pool", pool.getPoolName())
				.tag("mode", each.toLowerCase(Locale.ROOT))
				.description("1 while the autosize controller is in this mode, else 0")
				.register(registry);
		}
	}

	private Counter changes(MeterRegistry registry, String direction) {
		return Counter.builder("db.pool.autosize.changes")
			.tag("pool", this.pool.getPoolName())
			.tag("direction", direction)
			.description("Changes of the working maximum by the autosize controller")
			.register(registry);
	}

	/**
	 * Starts at the floor and decides every interval; a pool it cannot measure it leaves as it is.
	 */
	public void start() {
		if (this.meter == null) {
			stopMeasuring("the pool has a metric registry of its own, beside which Hikari takes no other tracker");
			return;
		}
		int floor = this.pool.getMinimumIdle();
		int from = this.pool.getMaximumPoolSize();
		PoolResize.maximum(this.pool, floor);
		String reason = "autosize starts at size " + floor + " and may grow to " + this.ceiling;
		logger.info("Poolwise autosize: pool '" + this.beanName + "' max " + from + " -> " + floor + ": " + reason);
		record(new Decision(Decision.Action.LIMIT, from, floor, reason));
		this.lastTickNanos = System.nanoTime();
		long beat = Math.max(1, this.intervalNanos / BEATS);
		this.executor.scheduleWithFixedDelay(this::beat, beat, beat, TimeUnit.NANOSECONDS);
	}

	/**
	 * Ticks once an interval has passed since the last tick, and early when a spike arrives in a calm pool that
	 * may grow (no caller waited at the last tick, or there was none yet; now callers wait, and the pool is
	 * below its ceiling and its budget share, and not paused or backing off from a refused login). The beat
	 * that first sees them marks where the spike began, so the early tick's window leaves out the calm before
	 * it and holds what the pool delivered at its size; once the spike has lasted {@value #SPIKE_BEATS} more
	 * beats and each connection of the pool has served {@value AutosizeController#SAMPLE} callers in it on
	 * average, the tick takes the first step, rather than up to an interval after the spike came (or two, when
	 * it comes before the first tick, which would only measure). The next tick comes an interval after it, on
	 * its whole window. Every beat while callers wait also asks Hikari for the connections they need up to
	 * the maximum ({@link PoolResize#openForWaiting}).
	 */
	synchronized void beat() {
		if (this.unmeasured) {
			return;
		}
		try {
			beatOnce();
			this.beatFailing = false;
		}
		catch (RuntimeException ex) {
			// said once until a beat succeeds again, not ten times an interval
			if (!this.beatFailing) {
				logger.warn("Poolwise autosize of pool '" + this.beanName + "' failed a beat", ex);
			}
			this.beatFailing = true;
		}
	}

	private void beatOnce() {
		long now = System.nanoTime();
		if (now - this.lastTickNanos >= this.intervalNanos) {
			tick();
			return;
		}
		PoolStatistics statistics = PoolStatistics.of(this.pool);
		if (statistics.pending() > 0) {
			PoolResize.openForWaiting(this.pool);
		}
		LoadMeter measuring = this.meter;
		if (measuring == null || !spikeMayGrow(now, statistics)) {
			this.spikeBeats = 0;
			return;
		}
		if (this.spikeBeats++ == 0) {
			this.spikeNanos = now;
			measuring.mark(now);
		}
		else if (this.spikeBeats > SPIKE_BEATS
				&& measuring.handedOutSinceMark() >= (long) AutosizeController.SAMPLE * statistics.max()) {
			// connections above a lowered maximum still serving would inflate what the pool delivers at it
			if (statistics.total() <= statistics.max()) {
				this.controller.windowStartsAtSpike();
			}
			this.metAtOnce = "met at once, " + (now - this.spikeNanos) / 1_000_000
					+ "ms after callers began to wait in a calm pool";
			tick();
			this.calm = false;
		}
	}

	private boolean spikeMayGrow(long now, PoolStatistics statistics) {
		AutosizeController.Mode following = this.controller.mode();
		BudgetRule.FleetShare current = this.share;
		return this.calm && statistics.pending() > 0 && this.pausedUntil == null && now - this.refusedUntilNanos >= 0
				&& (following == AutosizeController.Mode.STEADY || following == AutosizeController.Mode.SHRINKING)
				&& statistics.max() < this.ceiling && (current == null || statistics.max() < current.allowed());
	}

	/**
	 * Stops deciding and withdraws the pool's claim.
	 */
	public void stop() {
		this.executor.shutdownNow();
		try {
			this.executor.awaitTermination(5, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		if (this.claims != null) {
			this.claims.close();
		}
	}

	/**
	 * Makes a manual resize stick: its size and maximum become the controller's floor and ceiling, and the
	 * controller leaves the pool alone for {@code db.pool.autosize.pause}. The pause comes first and the resize
	 * is applied under the same lock as a tick, so a tick either ends before it or finds the pool paused.
	 * @param max the maximum the resize sets
	 * @param resize what applies the resize to the pool
	 * @return one sentence saying so
	 */
	public synchronized String pause(int max, Runnable resize) {
		this.ceiling = max;
		Duration pause = this.settings.pause();
		long now = System.nanoTime();
		this.controller.reset(now);
		Instant until = this.clock.instant().plus(pause);
		if (!pause.isZero()) {
			this.pausedUntilNanos = now + pause.toNanos();
			this.pausedUntil = until;
		}
		resize.run();
		this.mode = mode(!pause.isZero());
		int floor = this.pool.getMinimumIdle();
		if (pause.isZero()) {
			return "Autosize goes on between size " + floor + " and " + max + " (db.pool.autosize.pause=0).";
		}
		return "Autosize paused for " + Durations.format(pause) + " (until " + until
				+ "), then moves the maximum between size " + floor + " and " + max + ".";
	}

	/**
	 * The controller's state.
	 * @return what the endpoint shows
	 */
	public synchronized AutosizeState state() {
		boolean paused = this.pausedUntil != null && System.nanoTime() < this.pausedUntilNanos;
		BudgetRule.FleetShare current = this.share;
		int knee = this.controller.knee();
		return new AutosizeState(mode(paused), this.pool.getMaximumPoolSize(),
				this.pool.getMinimumIdle(), this.ceiling, (current != null) ? current.allowed() : null,
				(current != null) ? current.explain() : null, (knee > 0) ? knee : null,
				paused ? this.pausedUntil : null, List.copyOf(this.decisions));
	}

	synchronized void tick() {
		this.lastTickNanos = System.nanoTime();
		this.spikeBeats = 0;
		try {
			measureAndDecide();
		}
		finally {
			this.metAtOnce = null;
			this.mode = mode(this.pausedUntil != null && System.nanoTime() < this.pausedUntilNanos);
		}
	}

	private String mode(boolean paused) {
		if (this.unmeasured) {
			return "UNMEASURED";
		}
		if (paused) {
			return "PAUSED";
		}
		return this.controller.measured() ? this.controller.mode().name() : "MEASURING";
	}

	private void measureAndDecide() {
		LoadMeter measuring = this.meter;
		if (this.unmeasured || measuring == null) {
			return;
		}
		if (HolderTracking.of(this.pool) != this.tracking) {
			stopMeasuring("its metrics tracker was replaced at runtime");
			return;
		}
		try {
			long now = System.nanoTime();
			PoolStatistics statistics = PoolStatistics.of(this.pool);
			Observation observation = (this.metAtOnce != null) ? measuring.observeSinceMark(now, statistics)
					: measuring.observe(now, statistics);
			if (this.pausedUntil != null) {
				if (now < this.pausedUntilNanos) {
					return;
				}
				this.pausedUntil = null;
			}
			this.calm = !this.controller.waiting(observation);
			if (refused(now, statistics)) {
				return;
			}
			decide(observation, statistics);
		}
		catch (RuntimeException ex) {
			logger.warn("Poolwise autosize of pool '" + this.beanName + "' failed a tick: " + ex.getMessage());
		}
	}

	/**
	 * A login the server refused for want of slots ({@code 53300}: {@code max_connections}, or the role's or
	 * database's connection limit) is the server saying the pool is as large as it can be now, whatever the
	 * budget read: the working maximum goes back to the connections open, and growth waits a cooldown before
	 * it is tried again. Each refusal is said once, at WARN.
	 * @return whether the controller sits this tick out
	 */
	private boolean refused(long now, PoolStatistics statistics) {
		LoginFailures.Failure failure = this.logins.latestFailure();
		if (failure != null && failure.atNanos() - this.refusalSeenNanos > 0 && isOutOfSlots(failure.exception())) {
			this.refusalSeenNanos = failure.atNanos();
			this.refusedUntilNanos = now + this.settings.cooldown().toNanos();
			int from = this.pool.getMaximumPoolSize();
			int to = Math.max(this.pool.getMinimumIdle(), Math.min(from, statistics.total()));
			String reason = "the server refused a new connection for want of slots ("
					+ Redaction.message(failure.exception().getMessage(), this.pool) + "), so the pool keeps the " + to
					+ " it has open and tries to grow again after " + Durations.format(this.settings.cooldown());
			if (to < from) {
				PoolResize.maximum(this.pool, to);
				record(new Decision(Decision.Action.BACK_OFF, from, to, reason));
				this.shrunk.increment();
			}
			logger.warn("Poolwise autosize: pool '" + this.beanName + "' max " + from + " -> " + to + " (BACK_OFF): "
					+ reason);
			return true;
		}
		return now - this.refusedUntilNanos < 0;
	}

	private static boolean isOutOfSlots(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof SQLException sql && "53300".equals(sql.getSQLState())) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Says once that the load cannot be measured, and stops resizing rather than guessing.
	 */
	private void stopMeasuring(String why) {
		this.unmeasured = true;
		this.mode = "UNMEASURED";
		logger.warn("Poolwise autosize cannot measure the load of pool '" + this.beanName + "': " + why
				+ "; it stops resizing and leaves the maximum at " + this.pool.getMaximumPoolSize()
				+ " (resize it through /actuator/dbpool, or remove db.pool.autosize.enabled)");
	}

	private void decide(Observation observation, PoolStatistics statistics) {
		int floor = this.pool.getMinimumIdle();
		boolean locked = false;
		int allowed = Integer.MAX_VALUE;
		int guaranteed = floor;
		if (this.claims != null) {
			try {
				locked = this.claims.tryLock();
				BudgetRule.FleetShare current = this.claims.share(statistics.total());
				this.share = current;
				allowed = locked ? current.allowed() : Math.min(current.allowed(), observation.max());
				if (!this.controller.waiting(observation)) {
					allowed = Math.min(allowed,
							current.lending(observation.max(), AutosizeController.needed(observation, floor)));
				}
				guaranteed = (current.instances() > 1) ? current.guaranteed() : floor;
				this.failing = false;
			}
			catch (SQLException ex) {
				this.claims.reset();
				allowed = Math.min(observation.max(), this.ceiling);
				locked = false;
				if (!this.failing) {
					logger.warn("Poolwise autosize cannot read the connection budget for pool '" + this.beanName
							+ "', so it does not grow until it can: " + Redaction.message(ex.getMessage(), this.pool));
				}
				this.failing = true;
			}
		}
		Decision decision = this.controller.decide(observation, new Limits(floor, this.ceiling, allowed, guaranteed));
		if (decision.changes()) {
			if (this.metAtOnce != null) {
				decision = new Decision(decision.action(), decision.from(), decision.to(),
						decision.reason() + "; " + this.metAtOnce);
			}
			PoolResize.maximum(this.pool, decision.to());
			record(decision);
			(decision.to() > decision.from() ? this.grown : this.shrunk).increment();
			logger.info(String.format(Locale.ROOT,
					"Poolwise autosize: pool '%s' max %d -> %d (%s): %s; throughput %.0f/s, %.1f in use, %d pending"
							+ "%s",
					this.beanName, decision.from(), decision.to(), decision.action(), decision.reason(),
					observation.throughput(), observation.inUse(), observation.pending(),
					(this.share != null) ? ", " + this.share.explain() : ""));
		}
		// After the change, so a cut to the share closes its surplus on this tick, not the next.
		PoolResize.retireSurplus(this.pool, this.retirePatience);
		publish(observation, decision, locked);
	}

	private void publish(Observation observation, Decision decision, boolean locked) {
		if (this.claims == null) {
			return;
		}
		int max = decision.to();
		// A login under way when the maximum was cut still ends in a session: it is claimed until it is retired.
		int open = PoolStatistics.of(this.pool).total() + (this.logins.isOpening() ? 1 : 0);
		// Waiting callers are wanted at once: the others reserve them, up to this pool's guaranteed share, on
		// their next tick, rather than a step more per tick.
		int want = this.controller.waiting(observation)
				? Math.min(this.ceiling, max + Math.max(this.settings.step(), observation.pending())) : max;
		try {
			this.claims.publish(new BudgetRule.Claim(this.pool.getMinimumIdle(), Math.max(max, open), want), locked);
		}
		catch (SQLException ex) {
			this.claims.reset();
		}
	}

	private synchronized void record(Decision decision) {
		this.decisions.addFirst(new AutosizeState.Change(this.clock.instant(), decision.action(), decision.from(),
				decision.to(), decision.reason()));
		while (this.decisions.size() > KEPT_DECISIONS) {
			this.decisions.removeLast();
		}
	}

}
