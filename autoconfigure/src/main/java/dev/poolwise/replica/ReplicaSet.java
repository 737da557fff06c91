package dev.poolwise.replica;

import java.time.Duration;
import java.util.List;

import com.zaxxer.hikari.HikariDataSource;
import org.jspecify.annotations.Nullable;

/**
 * The replicas of one primary pool, with their monitor and the routing's counters: what health, the meters
 * and the endpoint read.
 */
public final class ReplicaSet {

	private final String pool;

	private final String poolName;

	private final List<Replica> replicas;

	private final Duration maxLag;

	private final Duration interval;

	private final Routing routing;

	private final ReplicaMonitor monitor;

	private final @Nullable ReadYourWrites writes;

	private ReplicaSet(String pool, String poolName, List<Replica> replicas, Duration maxLag, Duration interval,
			Routing routing, ReplicaMonitor monitor, @Nullable ReadYourWrites writes) {
		this.pool = pool;
		this.poolName = poolName;
		this.replicas = replicas;
		this.maxLag = maxLag;
		this.interval = interval;
		this.routing = routing;
		this.monitor = monitor;
		this.writes = writes;
	}

	/**
	 * Starts monitoring the replicas and routes read-only transactions of the primary's connections to them.
	 * @param routing the routing that took the primary's place
	 * @param pool the primary's DataSource bean name
	 * @param primary the primary's tuned pool
	 * @param replicas the replicas with their tuned pools
	 * @param maxLag the lag bound
	 * @param interval time between two samples of each replica
	 * @param readYourWrites whether a thread's read-only transaction after its own write waits for a replica
	 * that replayed it
	 * @return the replicas, monitored and routed to
	 */
	public static ReplicaSet attach(RoutingDataSource routing, String pool, HikariDataSource primary,
			List<Replica> replicas, Duration maxLag, Duration interval, boolean readYourWrites) {
		ReplicaMonitor monitor = new ReplicaMonitor(primary, replicas, interval, maxLag);
		ReplicaSet set = new ReplicaSet(pool, primary.getPoolName(), List.copyOf(replicas), maxLag, interval,
				new Routing(primary.getPoolName()), monitor, readYourWrites ? new ReadYourWrites(monitor) : null);
		try {
			monitor.start();
			routing.attach(set, set.writes);
		}
		catch (RuntimeException ex) {
			monitor.close();
			throw ex;
		}
		return set;
	}

	/**
	 * The primary's DataSource bean name.
	 * @return the bean name
	 */
	public String pool() {
		return this.pool;
	}

	/**
	 * The primary's Hikari pool name, as the meters tag it.
	 * @return the pool name
	 */
	public String poolName() {
		return this.poolName;
	}

	public List<Replica> replicas() {
		return this.replicas;
	}

	public Duration maxLag() {
		return this.maxLag;
	}

	/**
	 * Time between two checks of each replica.
	 * @return the check interval
	 */
	public Duration checkInterval() {
		return this.interval;
	}

	public Routing routing() {
		return this.routing;
	}

	/**
	 * Where each thread's writes are kept, for tokens that carry them to other requests.
	 * @return the writes, or null when read-your-writes is off
	 */
	@Nullable ReadYourWrites writes() {
		return this.writes;
	}

	/**
	 * Stops the monitor and closes the replicas.
	 */
	void close() {
		this.monitor.close();
		this.replicas.forEach(Replica::close);
	}

}
