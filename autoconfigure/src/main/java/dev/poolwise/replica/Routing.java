package dev.poolwise.replica;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Where read-only transactions went and why, for the meters: to which replica, to the primary for which
 * reason, and the ones that could not be routed because their connection was already held. Each kind of
 * misrouting is logged once, with its likely cause and the fix.
 */
public final class Routing {

	private static final Log logger = LogFactory.getLog(Routing.class);

	/**
	 * No replica was in rotation, or none that took a connection.
	 */
	public static final String NO_REPLICA = "no-replica-available";

	/**
	 * Every replica in rotation was behind the thread's own last write.
	 */
	public static final String OWN_WRITE = "read-your-writes";

	/**
	 * The read-only transaction asked for SERIALIZABLE, which a hot standby cannot give.
	 */
	public static final String SERIALIZABLE = "serializable";

	/**
	 * Every replica in rotation that could serve had no free connection within its pool's timeout.
	 */
	public static final String BUSY = "replicas-busy";

	/**
	 * A read-only transaction began on a primary connection that was already held.
	 */
	public static final String HELD_PRIMARY = "held-primary-connection";

	/**
	 * A transaction that is not read-only tried to run on a replica connection that was still held.
	 */
	public static final String HELD_REPLICA = "held-replica-connection";

	private final String pool;

	private final Map<String, LongAdder> replicas = new ConcurrentHashMap<>();

	private final Map<String, LongAdder> primary = new ConcurrentHashMap<>();

	private final Map<String, LongAdder> misrouted = new ConcurrentHashMap<>();

	private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();

	private final Map<String, LongAdder> busy = new ConcurrentHashMap<>();

	/**
	 * @param pool the primary pool's name, for log lines
	 */
	Routing(String pool) {
		this.pool = pool;
	}

	void toReplica(String replica) {
		count(this.replicas, replica);
	}

	void toPrimary(String reason) {
		count(this.primary, reason);
	}

	void misrouted(String cause) {
		if (count(this.misrouted, cause) == 1) {
			logger.warn(message(cause));
		}
	}

	void failedOn(String replica) {
		count(this.failures, replica);
	}

	void busy(String replica) {
		count(this.busy, replica);
	}

	/**
	 * Read-only transactions that found a replica's pool busy (no free connection within its timeout, none
	 * failing) and moved on to the next replica or the primary; the replica stayed in rotation.
	 * @param replica the replica's name
	 * @return the count
	 */
	public long busyOn(String replica) {
		return sum(this.busy, replica);
	}

	/**
	 * Calls that failed on a replica's connection because the connection broke (SQLSTATE 08, 57P): the
	 * transactions in flight when it stopped.
	 * @param replica the replica's name
	 * @return the count
	 */
	public long failuresOn(String replica) {
		return sum(this.failures, replica);
	}

	/**
	 * Read-only transactions a replica served.
	 * @param replica the replica's name
	 * @return the count
	 */
	public long servedBy(String replica) {
		return sum(this.replicas, replica);
	}

	/**
	 * Read-only transactions the primary served for a reason.
	 * @param reason {@link #NO_REPLICA}, {@link #OWN_WRITE}, {@link #SERIALIZABLE} or {@link #BUSY}
	 * @return the count
	 */
	public long servedByPrimary(String reason) {
		return sum(this.primary, reason);
	}

	/**
	 * Transactions that a held connection kept from being routed.
	 * @param cause {@link #HELD_PRIMARY} or {@link #HELD_REPLICA}
	 * @return the count
	 */
	public long misroutedBy(String cause) {
		return sum(this.misrouted, cause);
	}

	private String message(String cause) {
		if (cause.equals(HELD_PRIMARY)) {
			return "Pool '" + this.pool + "': a read-only transaction ran on the primary because its connection "
					+ "was already held when the transaction was marked read-only. Likely cause: open-in-view "
					+ "(spring.jpa.open-in-view=true keeps one connection for the whole request), or a wrapper "
					+ "or an earlier call that fetched the connection before the transaction began. Fix: set "
					+ "spring.jpa.open-in-view=false, and begin @Transactional(readOnly = true) before anything "
					+ "touches the connection. Counted by db.pool.replica.misrouted; logged once.";
		}
		return "Pool '" + this.pool + "': a transaction that is not read-only was refused on a replica connection "
				+ "that was still held from a read-only transaction (a replica takes no writes). Likely cause: "
				+ "open-in-view or a connection held across transactions. Fix: set spring.jpa.open-in-view=false, "
				+ "or end the read-only transaction before the write begins. Counted by db.pool.replica.misrouted; "
				+ "logged once.";
	}

	private static long count(Map<String, LongAdder> counts, String key) {
		LongAdder adder = counts.computeIfAbsent(key, (name) -> new LongAdder());
		adder.increment();
		return adder.sum();
	}

	private static long sum(Map<String, LongAdder> counts, String key) {
		LongAdder adder = counts.get(key);
		return (adder != null) ? adder.sum() : 0;
	}

}
