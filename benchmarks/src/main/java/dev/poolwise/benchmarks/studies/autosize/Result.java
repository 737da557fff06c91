package dev.poolwise.benchmarks.studies.autosize;

import java.util.List;

import org.HdrHistogram.Histogram;

/**
 * What one contender did under one workload.
 *
 * @param contender its name
 * @param throughput borrows completed per second while loaded
 * @param steadyThroughput borrows completed per second in the steady window, -1 without one
 * @param waits acquire waits in microseconds
 * @param timeouts borrows that timed out
 * @param errors borrows that failed otherwise
 * @param meanHeld mean server sessions held while loaded
 * @param idleHeld sessions held at the end of the idle tail, -1 without one
 * @param steadyResizes changes of the maximum during the steady window, -1 without one
 * @param steadySeconds length of the steady window
 * @param finalMax the working maximum at the end of the loaded part
 * @param peakMax the largest working maximum seen
 * @param samples the pg_stat_activity samples
 */
record Result(String contender, double throughput, double steadyThroughput, Histogram waits, long timeouts,
		long errors, double meanHeld, int idleHeld, int steadyResizes, double steadySeconds, int finalMax, int peakMax,
		List<ServerSampler.Sample> samples) {

	double waitMillis(double percentile) {
		return this.waits.getValueAtPercentile(percentile) / 1000.0;
	}

	double resizesPerHour() {
		return (this.steadyResizes < 0) ? -1 : this.steadyResizes * 3600 / this.steadySeconds;
	}

}
