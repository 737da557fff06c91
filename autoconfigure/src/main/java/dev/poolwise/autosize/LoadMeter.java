package dev.poolwise.autosize;

import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import dev.poolwise.pool.PoolStatistics;

/**
 * Turns Hikari's own timers ({@code hikaricp.connections.acquire} counts every hand-out and times its wait,
 * {@code hikaricp.connections.usage} times every hold) into one observation per tick, from the difference
 * to the previous tick, so every borrow counts and not only those a sampler happens to see.
 */
final class LoadMeter {

	private final MeterRegistry registry;

	private final String poolName;

	private long nanos;

	private long acquisitions;

	private double acquireSeconds;

	private double usageSeconds;

	LoadMeter(MeterRegistry registry, String poolName, long startNanos) {
		this.registry = registry;
		this.poolName = poolName;
		this.nanos = startNanos;
	}

	/**
	 * Measures the load since the last call.
	 * @param nanos monotonic time now
	 * @param statistics the pool's counters now
	 * @return the observation
	 */
	Observation observe(long nanos, PoolStatistics statistics) {
		Timer acquire = this.registry.find("hikaricp.connections.acquire").tag("pool", this.poolName).timer();
		Timer usage = this.registry.find("hikaricp.connections.usage").tag("pool", this.poolName).timer();
		long count = (acquire != null) ? acquire.count() : 0;
		double waited = (acquire != null) ? acquire.totalTime(TimeUnit.SECONDS) : 0;
		double held = (usage != null) ? usage.totalTime(TimeUnit.SECONDS) : 0;
		double elapsed = Math.max(1e-9, (nanos - this.nanos) / 1e9);
		long handedOut = Math.max(0, count - this.acquisitions);
		double meanWaitMillis = (handedOut > 0) ? Math.max(0, waited - this.acquireSeconds) * 1000 / handedOut : 0;
		Observation observation = new Observation(nanos, statistics.pending(), statistics.active(), statistics.max(),
				handedOut / elapsed, meanWaitMillis, Math.max(0, held - this.usageSeconds) / elapsed);
		this.nanos = nanos;
		this.acquisitions = count;
		this.acquireSeconds = waited;
		this.usageSeconds = held;
		return observation;
	}

}
