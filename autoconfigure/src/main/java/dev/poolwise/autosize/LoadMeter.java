package dev.poolwise.autosize;

import org.jspecify.annotations.Nullable;

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

	private @Nullable BorrowCounts mark;

	private long markNanos;

	LoadMeter(HolderTracking tracking, long startNanos) {
		this.tracking = tracking;
		this.nanos = startNanos;
		this.last = tracking.borrowCounts();
	}

	/**
	 * Starts the window of the next observation here, should it be taken from the mark: the load before the
	 * mark is then left out of it. An observation without the mark keeps its whole window.
	 * @param nanos monotonic time now
	 */
	void mark(long nanos) {
		this.markNanos = nanos;
		this.mark = this.tracking.borrowCounts();
	}

	/**
	 * Borrows handed out since the mark, timeouts left out.
	 * @return how many, 0 without a mark
	 */
	long handedOutSinceMark() {
		BorrowCounts from = this.mark;
		return (from != null) ? handedOut(from, this.tracking.borrowCounts()) : 0;
	}

	/**
	 * Measures the load since the mark, or since the last observation without one.
	 * @param nanos monotonic time now
	 * @param statistics the pool's counters now
	 * @return the observation
	 */
	Observation observeSinceMark(long nanos, PoolStatistics statistics) {
		BorrowCounts from = this.mark;
		if (from != null) {
			this.nanos = this.markNanos;
			this.last = from;
		}
		return observe(nanos, statistics);
	}

	private static long handedOut(BorrowCounts from, BorrowCounts to) {
		long attempts = Math.max(0, to.attempts() - from.attempts());
		return Math.max(0, attempts - Math.max(0, to.timeouts() - from.timeouts()));
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
		long handedOut = handedOut(this.last, now);
		double meanWaitMillis = (attempts > 0) ? Math.max(0, now.waitNanos() - this.last.waitNanos()) / 1e6 / attempts
				: 0;
		double inUse = Math.max(0, now.heldMillis() - this.last.heldMillis()) / 1e3 / elapsed;
		// a window that callers began to wait in part way rests on the borrows since then
		BorrowCounts from = this.mark;
		long sample = (from != null) ? handedOut(from, now) : handedOut;
		this.nanos = nanos;
		this.last = now;
		this.mark = null;
		return new Observation(nanos, statistics.pending(), statistics.active(), statistics.max(),
				handedOut / elapsed, meanWaitMillis, inUse, sample);
	}

}
