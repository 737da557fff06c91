package dev.poolwise.holders;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.zaxxer.hikari.util.ClockSource;
import org.jspecify.annotations.Nullable;

/**
 * The threads that hold a pool's connections, each with when it borrowed them: what Hikari does not keep.
 * A borrow and a return each cost one map read and one write, made by the borrowing thread itself; only
 * that thread changes its own entry, apart from {@link #forget pruning} after a report. A connection handed
 * to another thread and returned there leaves its record behind until a report prunes it.
 */
final class Holdings {

	private final Map<Thread, Holding> byThread = new ConcurrentHashMap<>();

	/**
	 * Notes that the current thread was just lent a connection.
	 */
	void borrowed() {
		Thread thread = Thread.currentThread();
		this.byThread.put(thread, new Holding(thread, ClockSource.currentTime(), this.byThread.get(thread)));
	}

	/**
	 * Notes that the current thread gave back the connection it borrowed last.
	 * @return false when the thread held nothing: the connection came from another thread
	 */
	boolean returned() {
		Thread thread = Thread.currentThread();
		Holding latest = this.byThread.get(thread);
		if (latest == null) {
			return false;
		}
		Holding previous = latest.previous();
		if (previous == null) {
			this.byThread.remove(thread, latest);
		}
		else {
			this.byThread.replace(thread, latest, previous);
		}
		return true;
	}

	/**
	 * Every recorded holding.
	 * @return a copy, in no particular order
	 */
	List<Holding> all() {
		List<Holding> all = new ArrayList<>();
		for (Holding latest : this.byThread.values()) {
			for (Holding holding = latest; holding != null; holding = holding.previous()) {
				all.add(holding);
			}
		}
		return all;
	}

	/**
	 * Drops records whose connection is no longer lent: given back by another thread, or whose thread died.
	 * A record that changes meanwhile is left for the next time.
	 * @param stale the records to drop
	 */
	void forget(Collection<Holding> stale) {
		for (Holding holding : stale) {
			Thread thread = holding.thread();
			Holding latest = this.byThread.get(thread);
			if (latest != null) {
				Holding kept = latest.without(holding);
				if (kept == null) {
					this.byThread.remove(thread, latest);
				}
				else if (kept != latest) {
					this.byThread.replace(thread, latest, kept);
				}
			}
		}
	}

	/**
	 * A connection held by a thread, with the thread's earlier holdings it still keeps.
	 *
	 * @param thread the thread that borrowed it
	 * @param since when, on Hikari's clock
	 * @param previous the thread's holding before this one, or null
	 */
	record Holding(Thread thread, long since, @Nullable Holding previous) {

		@Nullable Holding without(Holding stale) {
			if (this == stale) {
				return this.previous;
			}
			Holding rest = (this.previous != null) ? this.previous.without(stale) : null;
			return (rest == this.previous) ? this : new Holding(this.thread, this.since, rest);
		}

		@Override
		public boolean equals(@Nullable Object other) {
			return this == other;
		}

		@Override
		public int hashCode() {
			return System.identityHashCode(this);
		}

		@Override
		public String toString() {
			return "Holding[" + this.thread.getName() + "]";
		}

	}

}
