package dev.poolwise.soak;

import java.time.Duration;

/**
 * One fault as the scheduler injected it, and the window in which it may fail calls: from its start to its
 * heal plus its documented bound plus the machine's slack.
 *
 * @param number its place in the schedule, from 1
 * @param fault the fault
 * @param detail the parameters the seed chose
 * @param start when injection started, {@link System#nanoTime()}
 * @param end when it was healed
 * @param windowEnd when calls stop being its to fail
 */
public record Injection(int number, Fault fault, String detail, long start, long end, long windowEnd) {

	static Injection of(int number, Fault fault, String detail, long start, long end, Duration allowance) {
		return new Injection(number, fault, detail, start, end, end + allowance.toNanos());
	}

	/**
	 * Whether a call's end falls in this fault's window.
	 * @param call the call
	 * @return true if so
	 */
	boolean covers(LedgerCall call) {
		return call.end() >= this.start && call.end() <= this.windowEnd;
	}

	/**
	 * Whether a call ran at some time during this fault's window.
	 * @param call the call
	 * @return true if so
	 */
	boolean overlaps(LedgerCall call) {
		return call.start() <= this.windowEnd && call.end() >= this.start;
	}

}
