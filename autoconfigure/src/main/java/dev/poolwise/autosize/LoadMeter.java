package dev.poolwise.autosize;

import dev.poolwise.holders.BorrowCounts;
import dev.poolwise.holders.HolderTracking;
import dev.poolwise.pool.PoolStatistics;

/**
 * Turns the borrows Poolwise's own tracker counts ({@link HolderTracking#borrowCounts()}: every borrow, its
 * wait, every hold and timeout, on the borrowing thread) into one observation per tick, from the difference
 * to the previous tick. It reads no meter registry, so it sees the same load whatever registries the
 * application has (a step-based one publishes once a minute), or with Hikari's meters switched off.
 */
final class LoadMeter {

	private final HolderTracking tracking;

	private long nanos;

	private BorrowCounts last;

	LoadMeter(HolderTracking tracking, long startNanos) {
		this.tracking = tracking;
		this.nanos = startNanos;
		this.last = tracking.borrowCounts();
	}

	/**
	 * Borrows handed out since the last observation, timeouts left out.
	 * @return how many
	 */
	long handedOut() {
		BorrowCounts now = this.tracking.borrowCounts();
		return (now.attempts() - this.last.attempts()) - (now.timeouts() - this.last.timeouts());
	}

	/**
	 * Measures the load since the last call.
	 * @param nanos monotonic time now
	 * @param statistics the pool's counters now
	 * @return the observation
	 */
	Observation observe(long nanos, PoolStatistics statistics) {
		BorrowCounts now = this.tracking.borrowCounts();
		double elapsed = Math.max(1e-9, (nanos - this.nanos) / 1e9);
		long attempts = Math.max(0, now.attempts() - this.last.attempts());
		long handedOut = Math.max(0, attempts - (now.timeouts() - this.last.timeouts()));
		double meanWaitMillis = (attempts > 0) ? Math.max(0, now.waitNanos() - this.last.waitNanos()) / 1e6 / attempts
				: 0;
		double inUse = Math.max(0, now.heldMillis() - this.last.heldMillis()) / 1e3 / elapsed;
		this.nanos = nanos;
		this.last = now;
		return new Observation(nanos, statistics.pending(), statistics.active(), statistics.max(),
				handedOut / elapsed, meanWaitMillis, inUse);
	}

}
