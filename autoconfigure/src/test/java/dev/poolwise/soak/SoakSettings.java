package dev.poolwise.soak;

import java.time.Duration;
import java.util.List;

/**
 * How a soak runs. The seed decides everything random: the order of the faults, the gaps between them,
 * their parameters, the passwords and the load's transfers; the same seed replays the same schedule.
 *
 * @param seed the seed of the one {@link java.util.Random} behind every choice
 * @param duration how long faults are injected; the soak then lets the pool settle and checks
 * @param minGap the shortest pause between one fault healed and the next injected
 * @param maxGap the longest pause
 * @param writers threads running transfers
 * @param readers threads reading the total
 * @param faults the faults to draw from
 * @param slack added to every documented bound for a loaded machine
 * @param properties extra {@code key=value} properties for the application context
 */
public record SoakSettings(long seed, Duration duration, Duration minGap, Duration maxGap, int writers, int readers,
		List<Fault> faults, Duration slack, List<String> properties) {

	/**
	 * Connections in the pool ({@code db.pool.size}, no overflow), fewer than the load's threads so that
	 * callers queue as they do in production.
	 */
	public static final int SIZE = 4;

	/**
	 * {@code db.pool.timeout}.
	 */
	public static final Duration TIMEOUT = Duration.ofSeconds(1);

	/**
	 * {@code db.pool.socket-timeout}: a query in a blackhole fails after it.
	 */
	public static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(3);

	/**
	 * {@code db.pool.replicas.size}: connections of each replica pool.
	 */
	public static final int REPLICA_SIZE = 2;

	/**
	 * {@code db.pool.replicas.timeout}: a replica that gives no connection within it leaves the rotation and
	 * the read runs on the primary.
	 */
	public static final Duration REPLICA_TIMEOUT = Duration.ofMillis(500);

	/**
	 * {@code db.pool.replicas.max-lag}.
	 */
	public static final Duration MAX_LAG = Duration.ofSeconds(1);

	/**
	 * {@code spring.lifecycle.timeout-per-shutdown-phase}: how long an instance's drain waits for borrowed
	 * connections.
	 */
	public static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(5);

	/**
	 * Every fault, from a seed, with the gaps and load the CI run and the benchmark both use.
	 * @param seed the seed
	 * @param duration how long to inject faults
	 * @return the settings
	 */
	public static SoakSettings of(long seed, Duration duration) {
		return new SoakSettings(seed, duration, Duration.ofSeconds(1), Duration.ofSeconds(4), 3, 2, Faults.all(),
				Duration.ofSeconds(3), List.of());
	}

	/**
	 * The same soak with other faults.
	 * @param faults the faults to draw from
	 * @return new settings
	 */
	public SoakSettings withFaults(List<Fault> faults) {
		return new SoakSettings(this.seed, this.duration, this.minGap, this.maxGap, this.writers, this.readers, faults,
				this.slack, this.properties);
	}

	/**
	 * The same soak with more application properties, for instance to switch a Poolwise handler off.
	 * @param properties {@code key=value} pairs
	 * @return new settings
	 */
	public SoakSettings withProperties(String... properties) {
		return new SoakSettings(this.seed, this.duration, this.minGap, this.maxGap, this.writers, this.readers,
				this.faults, this.slack, List.of(properties));
	}

}
