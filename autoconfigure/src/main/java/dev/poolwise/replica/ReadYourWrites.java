package dev.poolwise.replica;

/**
 * When each thread last wrote on the primary, and the primary's WAL position that covers it, so a read-only
 * transaction that follows on the same thread runs only where that write is visible. A write costs nothing
 * but the time it ended: the position is worked out at the thread's next read-only transaction, from the
 * first sample of the primary taken after the write (the monitor's, or one taken then and shared by every
 * thread waiting for it). Thread-bound by design: a write on another thread, another instance or an
 * asynchronous task leaves no mark here, unless a {@link ConsistencyTokens token} carries its position over: a
 * request that brings one raises the thread's floor for as long as it runs.
 */
final class ReadYourWrites {

	/**
	 * The position of a write that could not be worked out: no replica can serve it.
	 */
	static final long UNRESOLVED = Long.MAX_VALUE;

	private final PrimaryPositions primary;

	private final ThreadLocal<Mark> marks = ThreadLocal.withInitial(Mark::new);

	/**
	 * @param primary where the primary's position after a given moment comes from
	 */
	ReadYourWrites(PrimaryPositions primary) {
		this.primary = primary;
	}

	/**
	 * Records that this thread's write has committed, or was given up, by now.
	 */
	void wrote() {
		Mark mark = this.marks.get();
		mark.writtenAt = System.nanoTime();
		mark.pending = true;
		mark.wrote = true;
	}

	/**
	 * The position a replica must have replayed to serve this thread.
	 * @return the position, {@link Lsn#UNKNOWN} when the thread wrote nothing, or {@link #UNRESOLVED} when
	 * the primary's position after the write could not be read
	 */
	long required() {
		Mark mark = this.marks.get();
		if (mark.pending) {
			long position = this.primary.positionAfter(mark.writtenAt);
			if (position == Lsn.UNKNOWN) {
				return UNRESOLVED;
			}
			mark.position = Math.max(mark.position, position);
			mark.pending = false;
		}
		return Math.max(mark.position, mark.floor);
	}

	/**
	 * The position this thread's writes since a moment reached.
	 * @param nanos the moment, as {@link System#nanoTime()}
	 * @return the position, {@link Lsn#UNKNOWN} when the thread wrote nothing since, or {@link #UNRESOLVED}
	 */
	long writtenSince(long nanos) {
		Mark mark = this.marks.get();
		if (!mark.wrote || mark.writtenAt - nanos < 0) {
			return Lsn.UNKNOWN;
		}
		long required = required();
		return (required == UNRESOLVED) ? UNRESOLVED : mark.position;
	}

	/**
	 * Makes this thread's read-only transactions run only where a position is replayed, until
	 * {@link #clearFloor()}.
	 * @param position a write's position, carried over from another thread or instance
	 */
	void requireAtLeast(long position) {
		this.marks.get().floor = position;
	}

	/**
	 * Ends {@link #requireAtLeast(long)}.
	 */
	void clearFloor() {
		this.marks.get().floor = Lsn.UNKNOWN;
	}

	/**
	 * The primary's WAL position as first seen after a moment.
	 */
	@FunctionalInterface
	interface PrimaryPositions {

		/**
		 * @param nanos a {@link System#nanoTime()}
		 * @return the position read by a sample that began at or after it, or {@link Lsn#UNKNOWN} when
		 * none could be taken in time
		 */
		long positionAfter(long nanos);

	}

	private static final class Mark {

		private long position = Lsn.UNKNOWN;

		private long writtenAt;

		private boolean pending;

		private boolean wrote;

		private long floor = Lsn.UNKNOWN;

	}

}
