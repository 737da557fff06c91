package dev.poolwise.soak;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

/**
 * A fault Poolwise is documented to absorb entirely: no call may fail while it is active or after it, so
 * any failed call in its window fails the soak unless another fault explains it.
 */
abstract class FaultWithoutFailures implements Fault {

	@Override
	public final Set<FailureClass> failures() {
		return EnumSet.noneOf(FailureClass.class);
	}

	@Override
	public final Duration bound() {
		return Duration.ZERO;
	}

}
