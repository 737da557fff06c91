package dev.poolwise.endpoint;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import dev.poolwise.replica.Lsn;
import dev.poolwise.replica.Replica;
import dev.poolwise.replica.ReplicaSet;

/**
 * One read replica as the endpoint shows it, from the replica monitor's last sample and the routing's
 * counters; its pool is shown with the other pools under its pool name.
 *
 * @param primary the DataSource bean whose read-only transactions it serves
 * @param pool its Hikari pool name
 * @param state available, lagging, unreachable, promoted or starting
 * @param lagMillis replay lag behind the primary, or null when unknown
 * @param maxLagMillis the lag bound
 * @param replayLsn last replay position seen, or null
 * @param problem why it takes no read-only transactions, what the server quoted in it (role and database
 * names) hidden unless show-values allows it; or null
 * @param reads read-only transactions it served
 * @param failures calls that failed on a broken connection of it
 */
public record ReplicaDescriptor(String primary, String pool, String state, @Nullable Long lagMillis,
		long maxLagMillis, @Nullable String replayLsn, @Nullable String problem, long reads, long failures) {

	static ReplicaDescriptor of(ReplicaSet set, Replica replica, Disclosure disclosure) {
		Duration lag = replica.lag();
		return new ReplicaDescriptor(set.pool(), replica.pool().getPoolName(), replica.state().label(),
				(lag != null) ? lag.toMillis() : null, set.maxLag().toMillis(),
				Lsn.format(replica.replayed()), disclosure.message(replica.problem()),
				set.routing().servedBy(replica.name()), set.routing().failuresOn(replica.name()));
	}

}
