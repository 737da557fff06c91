package dev.poolwise.metrics;

import java.time.Duration;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

import dev.poolwise.replica.Replica;
import dev.poolwise.replica.ReplicaSet;
import dev.poolwise.replica.ReplicaSets;
import dev.poolwise.replica.Routing;

/**
 * Meters of the read replicas, tagged {@code pool} (the primary's Hikari pool name) and {@code replica}: the
 * replay lag in seconds, whether each takes read-only transactions, where read-only transactions went, the
 * ones a held connection kept from routing, and the calls that failed on a replica's broken connection. All
 * read memory: the monitor's last sample and the routing's counters. Each replica's own pool has the usual
 * {@code db.pool.*} meters under its pool name ({@code <pool>-replica-<name>}), and Hikari's
 * {@code hikaricp.*} meters, which Spring Boot binds only for DataSource beans: the autosize controller of a
 * replica pool reads its load from them.
 */
public class ReplicaMeterBinder implements MeterBinder {

	private final ReplicaSets sets;

	/**
	 * @param sets the replica sets to instrument
	 */
	public ReplicaMeterBinder(ReplicaSets sets) {
		this.sets = sets;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		for (ReplicaSet set : this.sets.all()) {
			String pool = set.poolName();
			Routing routing = set.routing();
			for (Replica replica : set.replicas()) {
				HikariTimers.track(replica.pool(), registry);
				Tags tags = Tags.of("pool", pool, "replica", replica.name());
				Gauge.builder("db.pool.replica.lag", replica, ReplicaMeterBinder::lagSeconds)
					.tags(tags)
					.baseUnit("seconds")
					.description("Replay lag of the replica behind the primary, NaN when unknown")
					.register(registry);
				Gauge.builder("db.pool.replica.available", replica, (r) -> r.inRotation() ? 1 : 0)
					.tags(tags)
					.description("Whether the replica takes new read-only transactions")
					.register(registry);
				FunctionCounter.builder("db.pool.replica.reads", routing, (r) -> r.servedBy(replica.name()))
					.tags(tags.and("reason", "replica"))
					.description("Read-only transactions routed to the replica or, replica=primary, to the primary")
					.register(registry);
				FunctionCounter.builder("db.pool.replica.failures", routing, (r) -> r.failuresOn(replica.name()))
					.tags(tags)
					.description("Calls that failed on a broken connection of the replica (SQLSTATE 08, 57P)")
					.register(registry);
				FunctionCounter.builder("db.pool.replica.busy", routing, (r) -> r.busyOn(replica.name()))
					.tags(tags)
					.description("Read-only transactions that found the replica's pool busy and went elsewhere")
					.register(registry);
			}
			for (String reason : new String[] { Routing.NO_REPLICA, Routing.OWN_WRITE, Routing.SERIALIZABLE,
					Routing.BUSY }) {
				FunctionCounter.builder("db.pool.replica.reads", routing, (r) -> r.servedByPrimary(reason))
					.tags(Tags.of("pool", pool, "replica", "primary", "reason", reason))
					.description("Read-only transactions routed to the replica or, replica=primary, to the primary")
					.register(registry);
			}
			for (String cause : new String[] { Routing.HELD_PRIMARY, Routing.HELD_REPLICA }) {
				FunctionCounter.builder("db.pool.replica.misrouted", routing, (r) -> r.misroutedBy(cause))
					.tags(Tags.of("pool", pool, "cause", cause))
					.description("Transactions a connection held from an earlier transaction kept from routing")
					.register(registry);
			}
		}
	}

	private static double lagSeconds(Replica replica) {
		Duration lag = replica.lag();
		return (lag != null) ? lag.toNanos() / 1e9 : Double.NaN;
	}

}
