package dev.poolwise.benchmarks.harness;

import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;

/**
 * What one measured trial gave: operations per second and the latency of each operation, from the moment
 * it asked for a connection to the moment it gave it back.
 * @param throughput operations per second
 * @param p50 median latency in milliseconds
 * @param p99 99th percentile in milliseconds
 * @param p999 99.9th percentile in milliseconds
 * @param operations successful operations in the measured window
 * @param errors failed operations in the measured window
 */
public record TrialResult(double throughput, double p50, double p99, double p999, long operations, long errors) {

	public static final long HIGHEST_NANOS = TimeUnit.MINUTES.toNanos(2);

	public static Histogram newHistogram() {
		return new Histogram(HIGHEST_NANOS, 3);
	}

	public static TrialResult of(Histogram latenciesNanos, long errors, double seconds) {
		long operations = latenciesNanos.getTotalCount();
		return new TrialResult(operations / seconds, millis(latenciesNanos, 50), millis(latenciesNanos, 99),
				millis(latenciesNanos, 99.9), operations, errors);
	}

	private static double millis(Histogram histogram, double percentile) {
		return histogram.getValueAtPercentile(percentile) / 1e6;
	}

}
