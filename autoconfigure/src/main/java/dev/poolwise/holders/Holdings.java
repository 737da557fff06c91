package dev.poolwise.holders;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;

import com.zaxxer.hikari.util.ClockSource;
import org.jspecify.annotations.Nullable;

/**
 * The threads that hold a pool's connections, each with when it borrowed them: what Hikari does not keep.
 * Each thread has a slot, made on its first borrow and kept while it lives, so that a borrow or a return is a
 * map read and a write to the thread's own slot; only a report ({@link #forget pruning}) writes to another
 * thread's. Slots of threads that ended (a virtual thread per request) are swept when a new slot finds the
 * map grown to twice its size after the previous sweep. A connection handed to another thread and returned
 * there leaves its record behind until a report prunes it.
 */
final class Holdings {

	private static final int FIRST_SWEEP = 64;

	private final Map<Thread, Slot> slots = new ConcurrentHashMap<>();

	private volatile int sweepAbove = FIRST_SWEEP;

	/**
	 * Notes that the current thread was just lent a connection.
	 */
	void borrowed() {
		Thread thread = Thread.currentThread();
		Slot slot = this.slots.get(thread);
		if (slot == null) {
			slot = newSlot(thread);
		}
		slot.head = new Holding(thread, ClockSource.currentTime(), slot.head);
	}

	/**
	 * Notes that the current thread gave back the connection it borrowed last.
	 * @return false when the thread held nothing: the connection came from another thread
	 */
	boolean returned() {
		Slot slot = this.slots.get(Thread.currentThread());
		Holding latest = (slot != null) ? slot.head : null;
		if (slot == null || latest == null) {
			return false;
		}
		slot.head = latest.previous();
		return true;
	}

	private Slot newSlot(Thread thread) {
		Slot slot = new Slot();
		this.slots.put(thread, slot);
		int size = this.slots.size();
		if (size > this.sweepAbove) {
			this.slots.keySet().removeIf((owner) -> !owner.isAlive());
			this.sweepAbove = Math.max(FIRST_SWEEP, 2 * this.slots.size());
		}
		return slot;
	}

	/**
	 * How many threads have a slot: those that borrowed since the last sweep, and the live ones.
	 * @return the count
	 */
	int threads() {
		return this.slots.size();
	}

	/**
	 * Every recorded holding.
	 * @return a copy, in no particular order
	 */
	List<Holding> all() {
		List<Holding> all = new ArrayList<>();
		for (Slot slot : this.slots.values()) {
			for (Holding holding = slot.head; holding != null; holding = holding.previous()) {
				all.add(holding);
			}
		}
		return all;
	}

	/**
	 * Drops records whose connection is no longer lent: given back by another thread, or whose thread died.
	 * A slot that its thread changes meanwhile is left for the next time.
	 * @param stale the records to drop
	 */
	@SuppressWarnings("NullAway") // the updater's field is @Nullable, which its type argument cannot say
	void forget(Collection<Holding> stale) {
		for (Holding holding : stale) {
			Slot slot = this.slots.get(holding.thread());
			Holding latest = (slot != null) ? slot.head : null;
			if (slot != null && latest != null) {
				Slot.HEAD.compareAndSet(slot, latest, latest.without(holding));
			}
		}
	}

	/**
	 * One thread's holdings, written by the thread itself.
	 */
	private static final class Slot {

		static final AtomicReferenceFieldUpdater<Slot, Holding> HEAD = AtomicReferenceFieldUpdater
			.newUpdater(Slot.class, Holding.class, "head");

		volatile @Nullable Holding head;

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
