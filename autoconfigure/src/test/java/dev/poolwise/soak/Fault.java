package dev.poolwise.soak;

import java.time.Duration;
import java.util.OptionalInt;
import java.util.Random;
import java.util.Set;

/**
 * One kind of fault the soak injects, with what the failure-behaviour documentation promises about it: the
 * failure classes a caller may see, and how long after the fault is healed failures may go on. Adding a
 * fault to the soak is one class implementing this and one entry in {@link Faults#all()}.
 */
public interface Fault {

	/**
	 * Short name for the schedule and the report.
	 * @return the name
	 */
	String name();

	/**
	 * Failure classes a call may end with while this fault is active, empty when no call may fail.
	 * @return the documented classes
	 */
	Set<FailureClass> failures();

	/**
	 * How long after {@link #inject} returned calls may still fail because of this fault, as documented for
	 * the soak's pool settings ({@link SoakSettings}); the soak adds slack for the machine.
	 * @return the bound
	 */
	Duration bound();

	/**
	 * The most failed calls on connections the pool had already lent (all classes but
	 * {@link FailureClass#POOL_TIMEOUT}) one injection may cause, where the documentation bounds them.
	 * @param loadThreads the load's threads, each of which may hold a stale connection
	 * @return the bound, or empty
	 */
	default OptionalInt staleFailureLimit(int loadThreads) {
		return OptionalInt.empty();
	}

	/**
	 * Breaks something, holds it for a while, and heals it; returns once healed.
	 * @param random the soak's one source of randomness, for every parameter
	 * @param testbed what to break
	 * @return the parameters chosen, for the schedule
	 * @throws Exception if the fault could not be injected or healed, which ends the soak
	 */
	String inject(Random random, Testbed testbed) throws Exception;

}
