package dev.poolwise.drain;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import com.zaxxer.hikari.util.ClockSource;

import dev.poolwise.holders.HolderTracking;
import dev.poolwise.pool.LentConnections;

/**
 * What is still borrowed from a pool, read only when a drain gives up. A pool Poolwise tuned names its
 * holders ({@link HolderTracking}). For any other, Hikari keeps when each connection was lent but not to
 * whom: the ages come from its connection bag ({@link LentConnections}), the names from the threads that
 * are inside a JDBC call at that moment; a thread that holds a connection while doing something else is
 * counted in the ages but not named.
 */
final class BorrowedConnections {

	private BorrowedConnections() {
	}

	/**
	 * Describes the borrowed connections of a pool for a log line: its holders when Poolwise tracks them,
	 * else the ages and the threads in JDBC calls.
	 * @param dataSource the running pool
	 * @return the description
	 */
	static String describe(HikariDataSource dataSource) {
		HolderTracking tracking = HolderTracking.of(dataSource);
		return (tracking != null) ? "held longest first: " + tracking.describeHolders()
				: describe(dataSource.getHikariPoolMXBean());
	}

	/**
	 * Describes the borrowed connections of a pool whose holders are not tracked.
	 * @param pool the running pool
	 * @return ages, oldest first, and the threads in JDBC calls
	 */
	static String describe(HikariPoolMXBean pool) {
		List<String> ages = ages(pool);
		List<String> threads = threadsInJdbcCalls();
		return "borrowed " + (ages.isEmpty() ? "(ages unknown)" : String.join(", ", ages) + " ago")
				+ "; threads in a JDBC call: " + (threads.isEmpty() ? "none" : String.join(", ", threads));
	}

	/**
	 * How long ago each borrowed connection was lent, oldest first. Hikari records the borrow time only with
	 * a metrics tracker (Micrometer's, with Actuator); without one, the time the connection was last
	 * returned bounds it from above and is written {@code <= n ms}.
	 */
	static List<String> ages(HikariPoolMXBean pool) {
		List<Age> ages = new ArrayList<>();
		for (LentConnections.Lent lent : LentConnections.of(pool)) {
			ages.add(new Age(ClockSource.elapsedMillis(lent.since()), !lent.exact()));
		}
		ages.sort(Comparator.comparingLong(Age::millis).reversed());
		return ages.stream().map(Age::toString).toList();
	}

	static List<String> threadsInJdbcCalls() {
		List<String> names = new ArrayList<>();
		for (Map.Entry<Thread, StackTraceElement[]> thread : Thread.getAllStackTraces().entrySet()) {
			for (StackTraceElement frame : thread.getValue()) {
				if (frame.getClassName().startsWith("com.zaxxer.hikari.pool.HikariProxy")) {
					names.add(thread.getKey().getName() + " (in " + frame.getMethodName() + ")");
					break;
				}
			}
		}
		return names;
	}

	private record Age(long millis, boolean atMost) {

		@Override
		public String toString() {
			return (this.atMost ? "<= " : "") + this.millis + " ms";
		}

	}

}
