package dev.poolwise.health;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

import dev.poolwise.pool.PoolStatistics;
import dev.poolwise.pool.Redaction;
import dev.poolwise.replica.Lsn;
import dev.poolwise.replica.Replica;
import dev.poolwise.replica.Routing;

/**
 * Health of one read replica, from what the replica monitor last measured: it touches no server, so it
 * answers at once whatever the replica does. UP while the replica takes read-only transactions; otherwise
 * the configured out-of-rotation status, which by default is outside the status order, so a lagging or
 * stopped replica shows here without taking overall health down while the primary serves the reads. Health
 * shows no values: what a problem quotes from the server (role and database names) is hidden.
 */
public class ReplicaHealthIndicator implements HealthIndicator {

	private final Replica replica;

	private final Routing routing;

	private final Duration maxLag;

	private final Status outOfRotation;

	/**
	 * @param replica the replica
	 * @param routing its routing counters
	 * @param maxLag the lag bound, shown with the lag
	 * @param outOfRotation status of a replica that takes no read-only transactions
	 */
	public ReplicaHealthIndicator(Replica replica, Routing routing, Duration maxLag, Status outOfRotation) {
		this.replica = replica;
		this.routing = routing;
		this.maxLag = maxLag;
		this.outOfRotation = outOfRotation;
	}

	@Override
	public Health health() {
		Health.Builder health = this.replica.inRotation() ? Health.up() : Health.status(this.outOfRotation);
		health.withDetail("state", this.replica.state().label());
		@Nullable Duration lag = this.replica.lag();
		if (lag != null) {
			health.withDetail("lag", lag.toMillis() + "ms");
		}
		health.withDetail("maxLag", this.maxLag.toMillis() + "ms");
		@Nullable String replayed = Lsn.format(this.replica.replayed());
		if (replayed != null) {
			health.withDetail("replayLsn", replayed);
		}
		@Nullable String problem = this.replica.problem();
		if (problem != null) {
			health.withDetail("problem", Redaction.quotedValues(problem));
		}
		PoolStatistics statistics = PoolStatistics.of(this.replica.pool());
		health.withDetail(PoolHealthIndicator.POOL, this.replica.pool().getPoolName())
			.withDetail(PoolHealthIndicator.ACTIVE, statistics.active())
			.withDetail(PoolHealthIndicator.IDLE, statistics.idle())
			.withDetail("reads", this.routing.servedBy(this.replica.name()));
		return health.build();
	}

}
