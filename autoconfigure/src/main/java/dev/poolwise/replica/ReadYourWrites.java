package dev.poolwise.replica;

/**
 * The WAL position each thread's last write reached on the primary, so a read-only transaction that follows
 * on the same thread runs only where that write is visible. Thread-bound by design: a write on another
 * thread, another instance or an asynchronous task leaves no mark here.
 */
final class ReadYourWrites {

	private final ThreadLocal<long[]> positions = ThreadLocal.withInitial(() -> new long[] { Lsn.UNKNOWN });

	/**
	 * Records that this thread's write is visible from this primary position on.
	 * @param position the primary's {@code pg_current_wal_lsn()} after the write
	 */
	void wrote(long position) {
		long[] held = this.positions.get();
		held[0] = Math.max(held[0], position);
	}

	/**
	 * The position a replica must have replayed to serve this thread.
	 * @return the position, or {@link Lsn#UNKNOWN} when the thread wrote nothing
	 */
	long required() {
		return this.positions.get()[0];
	}

}
