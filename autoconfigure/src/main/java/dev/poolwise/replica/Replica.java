package dev.poolwise.replica;

import java.time.Duration;
import java.util.Locale;

import com.zaxxer.hikari.HikariDataSource;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.poolwise.pool.Redaction;
import dev.poolwise.registry.JvmPoolRegistry;
import dev.poolwise.tls.TlsRotation;

/**
 * One replica: its pool and what the monitor last learned of it. It takes new read-only transactions only
 * while it is {@link State#AVAILABLE}; every change of state is logged once, so an operator sees a replica
 * leave and rejoin the rotation.
 */
public final class Replica {

	private static final Log logger = LogFactory.getLog(Replica.class);

	private final String name;

	private final HikariDataSource pool;

	private final Duration maxLag;

	private final @Nullable TlsRotation rotation;

	private volatile State state = State.STARTING;

	private volatile long replayed = Lsn.UNKNOWN;

	private volatile @Nullable Duration lag;

	private volatile @Nullable String problem;

	/** The pool's minimum idle before it was promoted, while it is kept empty; -1 otherwise. */
	private int parkedMinimumIdle = -1;

	/**
	 * @param name the replica's name, e.g. its host
	 * @param pool its tuned pool
	 * @param maxLag the largest lag at which it takes new read-only transactions
	 * @param rotation the rotation of its TLS material, or null without TLS
	 */
	public Replica(String name, HikariDataSource pool, Duration maxLag, @Nullable TlsRotation rotation) {
		this.name = name;
		this.pool = pool;
		this.maxLag = maxLag;
		this.rotation = rotation;
	}

	public String name() {
		return this.name;
	}

	public HikariDataSource pool() {
		return this.pool;
	}

	public State state() {
		return this.state;
	}

	/**
	 * Replay lag behind the primary at the last sample.
	 * @return the lag, or null when unknown (not sampled yet, unreachable, promoted)
	 */
	public @Nullable Duration lag() {
		return this.lag;
	}

	/**
	 * The last replay position seen, by the monitor or by routing.
	 * @return the position, or {@link Lsn#UNKNOWN}
	 */
	public long replayed() {
		return this.replayed;
	}

	/**
	 * Why the replica is out of rotation.
	 * @return the reason, or null while it is available
	 */
	public @Nullable String problem() {
		return this.problem;
	}

	/**
	 * Whether the replica takes new read-only transactions.
	 * @return true when available
	 */
	public boolean inRotation() {
		return this.state == State.AVAILABLE;
	}

	/**
	 * Records a sample of the replica.
	 * @param inRecovery its {@code pg_is_in_recovery()}
	 * @param position its {@code pg_last_wal_replay_lsn()}
	 * @param lag its lag behind the primary, or null when it cannot be told
	 * @param unknown why the lag cannot be told, when it cannot: the replica then counts as lagging, since it
	 * has not proved it is within the bound
	 * @param sinceStart whether the lag cannot be told only because the primary was first read less than
	 * max-lag ago: a replica that has not taken reads yet waits without a warning
	 */
	void sampled(boolean inRecovery, long position, @Nullable Duration lag, String unknown, boolean sinceStart) {
		replayedUpTo(position);
		if (!inRecovery) {
			this.lag = null;
			if (change(State.PROMOTED, "pg_is_in_recovery() is false: it was promoted and is no longer a replica "
					+ "of this primary")) {
				park();
			}
			return;
		}
		this.lag = lag;
		if (lag == null && sinceStart && this.state == State.STARTING) {
			this.problem = "its replay lag cannot be told yet: " + unknown;
		}
		else if (lag == null) {
			change(State.LAGGING, "its replay lag cannot be told: " + unknown);
		}
		else if (lag.compareTo(this.maxLag) > 0) {
			change(State.LAGGING, "replay lag " + lag.toMillis() + " ms exceeds db.pool.replicas.max-lag ("
					+ this.maxLag.toMillis() + " ms)");
		}
		else {
			change(State.AVAILABLE, null);
		}
	}

	/**
	 * Takes the replica out of rotation until a sample succeeds, and has its pool replace its
	 * connections, which died with the server.
	 * @param reason what failed, which may quote a driver message: the replica pool's URL and password are
	 * redacted here, once for the log, health and the endpoint
	 */
	void unreachable(String reason) {
		this.lag = null;
		if (change(State.UNREACHABLE, Redaction.message(reason, this.pool))) {
			evictIdle();
		}
	}

	/**
	 * Keeps a promoted replica's pool empty while it is out of rotation: its sessions are on a server that now
	 * takes the primary pools' reconnects, and every instance refilling its replica pool there at the same
	 * moment would add its size to the failover's storm. The pool refills when the replica is back.
	 */
	private synchronized void park() {
		if (this.parkedMinimumIdle == -1 && this.pool.getHikariConfigMXBean() != null) {
			this.parkedMinimumIdle = this.pool.getMinimumIdle();
			this.pool.getHikariConfigMXBean().setMinimumIdle(0);
		}
		evictIdle();
	}

	/**
	 * Gives the pool its minimum idle back, unless a runtime resize set one meanwhile.
	 */
	private synchronized void unpark() {
		if (this.parkedMinimumIdle != -1) {
			if (this.pool.getMinimumIdle() == 0) {
				this.pool.getHikariConfigMXBean().setMinimumIdle(this.parkedMinimumIdle);
			}
			this.parkedMinimumIdle = -1;
		}
	}

	/**
	 * Has the pool replace its connections, which lead to a server that is gone or no longer a replica,
	 * before it is used again; Hikari opens the new ones wherever the replica's URL leads now.
	 */
	private void evictIdle() {
		if (this.pool.getHikariPoolMXBean() != null) {
			this.pool.getHikariPoolMXBean().softEvictConnections();
		}
	}

	/**
	 * Forgets the replay position seen so far: after a lossy failover the primary's positions start again
	 * below it, so the old one would let a read through before the replica replayed the thread's write.
	 */
	void forgetReplayed() {
		this.replayed = Lsn.UNKNOWN;
	}

	/**
	 * Records a replay position seen on one of the replica's connections.
	 * @param position the position
	 */
	void replayedUpTo(long position) {
		if (position > this.replayed) {
			this.replayed = position;
		}
	}

	/**
	 * Stops its TLS rotation and closes its pool, with the application context.
	 */
	public void close() {
		if (this.rotation != null) {
			this.rotation.close();
		}
		JvmPoolRegistry.get().deregister(this.pool);
		this.pool.close();
	}

	private synchronized boolean change(State state, @Nullable String problem) {
		State previous = this.state;
		this.problem = problem;
		this.state = state;
		if (previous == state) {
			return false;
		}
		if (state == State.AVAILABLE) {
			unpark();
			logger.info("Replica '" + this.name + "' takes read-only transactions"
					+ ((previous == State.STARTING) ? "" : " again (was " + previous.label() + ")"));
		}
		else {
			logger.warn("Replica '" + this.name + "' takes no new read-only transactions: " + problem
					+ "; they go to the other replicas or the primary");
		}
		return true;
	}

	/**
	 * Where a replica stands.
	 */
	public enum State {

		/**
		 * Not sampled yet.
		 */
		STARTING,

		/**
		 * Reachable, replaying, within the lag bound: takes read-only transactions.
		 */
		AVAILABLE,

		/**
		 * Behind the primary by more than the lag bound.
		 */
		LAGGING,

		/**
		 * Its last sample or connection failed.
		 */
		UNREACHABLE,

		/**
		 * No longer in recovery: promoted, so not a replica of this primary any more.
		 */
		PROMOTED;

		/**
		 * The state as health, the endpoint and log lines show it.
		 * @return e.g. {@code lagging}
		 */
		public String label() {
			return name().toLowerCase(Locale.ROOT);
		}

	}

}
