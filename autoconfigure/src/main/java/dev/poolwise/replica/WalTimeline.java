package dev.poolwise.replica;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * The primary's WAL position over the last samples, so a replica's replay position converts into how long
 * ago the primary was past it. The lag is the time since the first sample in which the primary had written
 * beyond the replica's position: a replica that replayed everything the primary wrote is not behind however
 * long the primary has been idle, and one that misses a write is behind by at least the time since the
 * primary was seen with it. The error is at most one sampling interval, towards reporting less lag. A replica
 * behind every sample kept has an unknown lag, never the age of the oldest: the samples kept cover the lag
 * bound, and at startup they cover only the time since start, so such a replica has not proved it is within
 * the bound. Samples closer together than the spacing (those read-your-writes asks for between two checks)
 * update the latest position without taking a place in the history, so they cannot shorten the time it covers.
 * A position behind the latest one means a new primary that had not received everything the old one wrote (a
 * lossy failover): the history starts again from it, so replicas of the new primary are not judged by positions
 * that no longer exist.
 */
final class WalTimeline {

	private final long[] times;

	private final long[] positions;

	private final long spacing;

	private int next;

	private int count;

	private long latestTime;

	private long latestPosition = Lsn.UNKNOWN;

	/**
	 * @param capacity samples kept
	 * @param spacing shortest time between two samples kept, in nanoseconds
	 */
	WalTimeline(int capacity, long spacing) {
		this.times = new long[capacity];
		this.positions = new long[capacity];
		this.spacing = spacing;
	}

	/**
	 * A timeline that remembers at least a lag bound's worth of checks.
	 * @param maxLag the lag bound
	 * @param interval the time between two checks of the primary
	 * @return the timeline
	 */
	static WalTimeline covering(Duration maxLag, Duration interval) {
		long spacing = Math.max(1, interval.toNanos() / 2);
		long capacity = maxLag.toNanos() / spacing + 3;
		return new WalTimeline((int) Math.min(capacity, 1_000_000), spacing);
	}

	/**
	 * Records the primary's position.
	 * @param nanos {@link System#nanoTime()} as the sample began, so the position covers everything
	 * committed before then
	 * @param position the primary's {@code pg_current_wal_lsn()}
	 * @return true when the position went back and the history started again from it
	 */
	synchronized boolean record(long nanos, long position) {
		boolean back = position < this.latestPosition;
		if (back) {
			this.count = 0;
			this.next = 0;
		}
		boolean first = back || this.latestPosition == Lsn.UNKNOWN;
		this.latestTime = nanos;
		this.latestPosition = position;
		if (!first && this.count > 0 && nanos - this.times[newest()] < this.spacing) {
			return false;
		}
		this.times[this.next] = nanos;
		this.positions[this.next] = position;
		this.next = (this.next + 1) % this.times.length;
		this.count = Math.min(this.count + 1, this.times.length);
		return back;
	}

	/**
	 * How far a replica is behind.
	 * @param replayed the replica's {@code pg_last_wal_replay_lsn()}
	 * @param nanos now, as {@link System#nanoTime()}
	 * @return the lag, or null when it cannot be told: nothing sampled yet, or the replica is behind every
	 * sample kept
	 */
	synchronized @Nullable Duration lag(long replayed, long nanos) {
		if (this.count == 0) {
			return null;
		}
		int oldest = oldest();
		if (this.positions[oldest] > replayed) {
			return null;
		}
		if (this.latestPosition > replayed && this.positions[newest()] <= replayed) {
			return Duration.ofNanos(Math.max(0, nanos - this.latestTime));
		}
		for (int i = 1; i < this.count; i++) {
			int index = (oldest + i) % this.times.length;
			if (this.positions[index] > replayed) {
				return Duration.ofNanos(Math.max(0, nanos - this.times[index]));
			}
		}
		return Duration.ZERO;
	}

	/**
	 * Time since the latest sample of the primary began.
	 * @param nanos now, as {@link System#nanoTime()}
	 * @return the age, or null before the first sample
	 */
	synchronized @Nullable Duration age(long nanos) {
		return (this.latestPosition != Lsn.UNKNOWN) ? Duration.ofNanos(Math.max(0, nanos - this.latestTime)) : null;
	}

	/**
	 * Time since the oldest sample kept began: how far back the timeline can tell a lag.
	 * @param nanos now, as {@link System#nanoTime()}
	 * @return the time covered, zero before the first sample
	 */
	synchronized Duration covered(long nanos) {
		return (this.count > 0) ? Duration.ofNanos(Math.max(0, nanos - this.times[oldest()])) : Duration.ZERO;
	}

	/**
	 * The primary's position in the latest sample if that sample began at or after a moment.
	 * @param nanos the moment, as {@link System#nanoTime()}
	 * @return the position, or {@link Lsn#UNKNOWN} when the latest sample is older
	 */
	synchronized long latestSince(long nanos) {
		if (this.latestPosition == Lsn.UNKNOWN) {
			return Lsn.UNKNOWN;
		}
		return (this.latestTime - nanos >= 0) ? this.latestPosition : Lsn.UNKNOWN;
	}

	private int oldest() {
		return (this.next - this.count + this.times.length) % this.times.length;
	}

	private int newest() {
		return (this.next - 1 + this.times.length) % this.times.length;
	}

}
