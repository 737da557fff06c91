package dev.poolwise.metrics;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

import org.jspecify.annotations.Nullable;

import dev.poolwise.holders.BorrowCounts;
import dev.poolwise.holders.HolderTracking;
import dev.poolwise.metrics.PoolSizeRecommendation.Pressure;
import dev.poolwise.metrics.ServerStatistics.Scope;
import dev.poolwise.metrics.ServerStatistics.State;
import dev.poolwise.pool.PoolStatistics;
import dev.poolwise.pool.QueuedPool;
import dev.poolwise.tuned.TunedPool;
import dev.poolwise.tuned.TunedPools;

/**
 * Measures each pool's load from Poolwise's own borrow counters ({@link HolderTracking}), the same whatever
 * meter registries the application has, with Hikari's meters switched off or a step-based registry: every
 * borrow that arrived, the ones that timed out included, and how long connections were held. When a window
 * closes it also notes the callers still waiting and, from the latest server sample, the application's
 * sessions idle in a transaction, so a saturated pool is not read as its own ceiling and a pool held by idle
 * transactions is not told to grow. Windows are fixed in length and roll forward when read, whoever reads
 * them, so scrapes and the endpoint see the same recommendation.
 */
public class BorrowCountsPoolSizeAdvisor implements PoolSizeAdvisor {

	private final TunedPools pools;

	private final Duration window;

	private final @Nullable ServerStatisticsSampler sampler;

	private final LongSupplier clock;

	private final Map<String, Window> windows = new ConcurrentHashMap<>();

	/**
	 * @param pools the tuned pools
	 * @param window shortest measurement window
	 * @param sampler the server statistics, for sessions idle in a transaction, or null without them
	 */
	public BorrowCountsPoolSizeAdvisor(TunedPools pools, Duration window, @Nullable ServerStatisticsSampler sampler) {
		this(pools, window, sampler, System::nanoTime);
	}

	BorrowCountsPoolSizeAdvisor(TunedPools pools, Duration window, @Nullable ServerStatisticsSampler sampler,
			LongSupplier clock) {
		this.pools = pools;
		this.window = window;
		this.sampler = sampler;
		this.clock = clock;
	}

	@Override
	public @Nullable PoolSizeRecommendation recommend(String poolName) {
		TunedPool pool = this.pools.all()
			.stream()
			.filter((candidate) -> poolName.equals(candidate.dataSource().getPoolName()))
			.findFirst()
			.orElse(null);
		HolderTracking tracking = (pool != null) ? HolderTracking.of(pool.dataSource()) : null;
		if (pool == null || tracking == null) {
			return null;
		}
		return this.windows
			.computeIfAbsent(poolName,
					(name) -> new Window(this.clock.getAsLong(), tracking.borrowCounts(), turnedAway(pool)))
			.advance(this.clock.getAsLong(), tracking, pool);
	}

	/**
	 * What the pool shows beyond the borrows it served. The server sample counts the sessions of every instance
	 * of the application, so the share idle in a transaction is taken among those busy on the server, not
	 * against this instance's connections in use.
	 */
	private Pressure pressure(TunedPool pool, HolderTracking tracking, long turnedAway) {
		PoolStatistics statistics = PoolStatistics.of(pool.dataSource());
		ServerStatistics server = (this.sampler != null) ? this.sampler.latest(pool.beanName()) : null;
		Integer idle = null;
		Integer busy = null;
		if (server != null) {
			idle = server.sessions(Scope.APPLICATION, State.IDLE_IN_TRANSACTION)
					+ server.sessions(Scope.APPLICATION, State.IDLE_IN_TRANSACTION_ABORTED);
			busy = idle + server.sessions(Scope.APPLICATION, State.ACTIVE);
		}
		Pressure pressure = new Pressure(turnedAway, statistics.pending(), statistics.active(), idle, busy, null);
		return pressure.heldIdle() ? pressure.withHolders(tracking.describeHolders()) : pressure;
	}

	private static long turnedAway(TunedPool pool) {
		return (pool.dataSource() instanceof QueuedPool queued) ? queued.line().turnedAway() : 0;
	}

	/**
	 * Counts at the start of the current window and the recommendation of the last complete one. The first
	 * window starts when the pool is first asked about, from its counts then.
	 */
	private final class Window {

		private long startNanos;

		private BorrowCounts start;

		private long startTurnedAway;

		private @Nullable PoolSizeRecommendation last;

		Window(long startNanos, BorrowCounts start, long startTurnedAway) {
			this.startNanos = startNanos;
			this.start = start;
			this.startTurnedAway = startTurnedAway;
		}

		synchronized @Nullable PoolSizeRecommendation advance(long nowNanos, HolderTracking tracking,
				TunedPool pool) {
			Duration elapsed = Duration.ofNanos(nowNanos - this.startNanos);
			if (elapsed.compareTo(BorrowCountsPoolSizeAdvisor.this.window) >= 0) {
				BorrowCounts now = tracking.borrowCounts();
				long turnedAway = turnedAway(pool);
				long away = Math.max(0, turnedAway - this.startTurnedAway);
				long served = Math.max(0, (now.attempts() - now.timeouts())
						- (this.start.attempts() - this.start.timeouts()));
				long failed = Math.max(0, now.timeouts() - this.start.timeouts()) + away;
				double heldSeconds = Math.max(0, now.heldMillis() - this.start.heldMillis()) / 1000.0;
				this.last = new PoolSizeRecommendation(served + failed, served, heldSeconds, elapsed,
						pressure(pool, tracking, failed));
				this.startNanos = nowNanos;
				this.start = now;
				this.startTurnedAway = turnedAway;
			}
			return this.last;
		}

	}

}
