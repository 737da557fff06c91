package dev.poolwise.benchmarks.harness;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * CPU time of the threads Poolwise runs beside the pool: the server-statistics sampler
 * ({@code poolwise-monitor-<pool>}) and the health probe ({@code poolwise-health-<pool>}). Throughput
 * ratios on a shared machine resolve a few percent at best; thread CPU time resolves microseconds.
 */
public final class PoolwiseThreads {

	private PoolwiseThreads() {
	}

	/**
	 * @return CPU nanoseconds those threads have used so far, in this JVM
	 */
	public static long cpuNanos() {
		ThreadMXBean threads = ManagementFactory.getThreadMXBean();
		long total = 0;
		for (Thread thread : Thread.getAllStackTraces().keySet()) {
			String name = thread.getName();
			if (name.startsWith("poolwise-monitor-") || name.startsWith("poolwise-health-")) {
				total += Math.max(0, threads.getThreadCpuTime(thread.getId()));
			}
		}
		return total;
	}

}
