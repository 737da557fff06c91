package dev.poolwise.replica;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * The primary's WAL position over the last samples, so a replica's replay position converts into how long
 * ago the primary was past it. The lag is the time since the first sample in which the primary had written
 * beyond the replica's position: a replica that replayed everything the primary wrote is not behind however
 * long the primary has been idle, and one that misses a write is behind by at least the time since the
 * primary was seen with it. The error is at most one sampling interval, towards reporting less lag.
 */
final class WalTimeline {

	private final long[] times;

	private final long[] positions;

	private int next;

	private int count;

	/**
	 * @param capacity samples kept; a replica further behind than all of them is reported as behind by the
	 * oldest
	 */
	WalTimeline(int capacity) {
		this.times = new long[capacity];
		this.positions = new long[capacity];
	}

	/**
	 * Records the primary's position.
	 * @param nanos {@link System#nanoTime()} as the sample began, so the position covers everything
	 * committed before then
	 * @param position the primary's {@code pg_current_wal_lsn()}
	 */
	synchronized void record(long nanos, long position) {
		this.times[this.next] = nanos;
		this.positions[this.next] = position;
		this.next = (this.next + 1) % this.times.length;
		this.count = Math.min(this.count + 1, this.times.length);
	}

	/**
	 * How far a replica is behind.
	 * @param replayed the replica's {@code pg_last_wal_replay_lsn()}
	 * @param nanos now, as {@link System#nanoTime()}
	 * @return the lag, or null before the primary was sampled
	 */
	synchronized @Nullable Duration lag(long replayed, long nanos) {
		if (this.count == 0) {
			return null;
		}
		int oldest = (this.next - this.count + this.times.length) % this.times.length;
		for (int i = 0; i < this.count; i++) {
			int index = (oldest + i) % this.times.length;
			if (this.positions[index] > replayed) {
				return Duration.ofNanos(Math.max(0, nanos - this.times[index]));
			}
		}
		return Duration.ZERO;
	}

	/**
	 * The primary's position in the latest sample if that sample began at or after a moment.
	 * @param nanos the moment, as {@link System#nanoTime()}
	 * @return the position, or {@link Lsn#UNKNOWN} when the latest sample is older
	 */
	synchronized long latestSince(long nanos) {
		if (this.count == 0) {
			return Lsn.UNKNOWN;
		}
		int latest = (this.next - 1 + this.times.length) % this.times.length;
		return (this.times[latest] - nanos >= 0) ? this.positions[latest] : Lsn.UNKNOWN;
	}

}
