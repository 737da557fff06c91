package dev.poolwise.pool;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.poolwise.sizing.WorkerCountSizing;

/**
 * One pool's {@code db.pool} configuration as plain values, {@code db.pool.datasources.<bean>} applied on
 * top. The runtime packages read these instead of the bound properties object, so none of them depends on
 * how configuration is bound. The components follow the keys: one per key at the top of a pool's keys, one
 * record per group. One place builds it, {@code PoolProperties.toSettings()}, after every level is bound.
 *
 * @param enabled whether Poolwise tunes the pool
 * @param size permanent connections
 * @param overflow burst connections above size
 * @param timeout wait for a connection
 * @param recycle maximum connection age, zero for none
 * @param idleTimeout idle time before an overflow connection closes
 * @param prePing whether idle connections are pinged
 * @param keepalive idle ping interval
 * @param workerCount concurrent workers that derive the sizes, or null
 * @param instances replicas sharing the database
 * @param credentialsProvider bean name of the pool's HikariCredentialsProvider, or null
 * @param leakDetectionThreshold hold time before a leak is reported, or null for off
 * @param lazyStart whether the application starts while the server is unreachable
 * @param driver pgjdbc connection settings
 * @param session session settings for every connection
 * @param sizing the worker-count formula and the size limit
 * @param budgetEnforced whether an exceeded connection budget is an error rather than a warning
 * @param health the dbPool health indicator's thresholds
 * @param monitor the server-statistics sampler
 * @param resizeEnabled whether the endpoint may resize the pool
 * @param pgbouncer PgBouncer transaction-pooling mode
 * @param ssl TLS from a Spring Boot SSL bundle
 * @param auth the login's security switches
 * @param autosize the controller that moves the working maximum between size and size + overflow
 * @param queue who waits for a connection when every one is lent
 */
public record PoolSettings(boolean enabled, int size, int overflow, Duration timeout, Duration recycle,
		Duration idleTimeout, boolean prePing, Duration keepalive, @Nullable Integer workerCount, int instances,
		@Nullable String credentialsProvider, @Nullable Duration leakDetectionThreshold, boolean lazyStart,
		Driver driver, Session session, Sizing sizing, boolean budgetEnforced, Health health, Monitor monitor,
		boolean resizeEnabled, Pgbouncer pgbouncer, Ssl ssl, Auth auth, Autosize autosize, Queue queue) {

	/**
	 * pgjdbc connection settings.
	 *
	 * @param connectTimeout TCP connect timeout
	 * @param loginTimeout connect and authenticate timeout
	 * @param socketTimeout read timeout, or null for none
	 * @param applicationName db.pool.application-name, or null
	 * @param tcpKeepalive per-socket TCP keepalive
	 * @param rewriteBatchedInserts whether batched INSERTs are sent as multi-row INSERTs
	 */
	public record Driver(Duration connectTimeout, Duration loginTimeout, @Nullable Duration socketTimeout,
			@Nullable String applicationName, TcpKeepalive tcpKeepalive, boolean rewriteBatchedInserts) {

	}

	/**
	 * Per-socket TCP keepalive timing.
	 *
	 * @param enabled whether probes are sent
	 * @param idle idle time before the first probe
	 * @param interval time between probes
	 * @param count unanswered probes before the connection is dead
	 */
	public record TcpKeepalive(boolean enabled, Duration idle, Duration interval, int count) {

	}

	/**
	 * Session settings as configured.
	 *
	 * @param statementTimeout statement_timeout, or null
	 * @param lockTimeout lock_timeout, or null
	 * @param idleInTransactionTimeout idle_in_transaction_session_timeout, or null
	 * @param settings other settings keyed as configured ({@code work-mem})
	 */
	public record Session(@Nullable Duration statementTimeout, @Nullable Duration lockTimeout,
			@Nullable Duration idleInTransactionTimeout, Map<String, String> settings) {

	}

	/**
	 * The worker-count formula's parameters and the largest pool allowed.
	 *
	 * @param formula the worker-count formula
	 * @param limit the largest size + overflow of one pool
	 */
	public record Sizing(WorkerCountSizing formula, int limit) {

	}

	/**
	 * Thresholds of the dbPool health indicator.
	 *
	 * @param warnUtilization utilization that is worth a warning
	 * @param criticalUtilization utilization at which the pool counts as saturated
	 * @param timeout longest the server probe may take
	 * @param maxAge longest a probe's answer is reused before a new probe runs; zero probes on every call
	 * @param saturatedStatus status code of a saturated pool
	 * @param requiredExtensions extensions the database must have
	 * @param replaceDbIndicator whether dbPool stands in for Spring Boot's db indicator for this pool
	 */
	public record Health(double warnUtilization, double criticalUtilization, Duration timeout, Duration maxAge,
			String saturatedStatus, List<String> requiredExtensions, boolean replaceDbIndicator) {

	}

	/**
	 * The server-statistics sampler of the pool.
	 *
	 * @param enabled whether the server is sampled
	 * @param interval time between two samples
	 */
	public record Monitor(boolean enabled, Duration interval) {

	}

	/**
	 * PgBouncer transaction-pooling mode.
	 *
	 * @param enabled whether the URL points at PgBouncer
	 * @param preparedStatements whether to keep server-side prepared statements, or null to probe PgBouncer
	 * @param clientIdleTimeout PgBouncer's client_idle_timeout, or null
	 */
	public record Pgbouncer(boolean enabled, @Nullable Boolean preparedStatements,
			@Nullable Duration clientIdleTimeout) {

	}

	/**
	 * TLS to the server from a Spring Boot SSL bundle.
	 *
	 * @param bundle the SSL bundle's name, or null for TLS as the URL sets it
	 * @param mode what is verified about the server
	 * @param rotationWindow time over which open connections are replaced after the bundle is reloaded
	 * @param requireVerified whether a pool to another host than this one must verify the server in full
	 * @param expiryWarning time before a certificate expires from which health warns
	 * @param negotiation how TLS is started, pgjdbc's sslNegotiation as configured
	 */
	public record Ssl(@Nullable String bundle, TlsMode mode, Duration rotationWindow, boolean requireVerified,
			Duration expiryWarning, String negotiation) {

	}

	/**
	 * The login's security switches, as configured.
	 *
	 * @param require pgjdbc's requireAuth as configured, or null for Poolwise's default
	 * @param allowCleartextPassword whether a cleartext password may be sent without TLS required
	 * @param channelBinding pgjdbc's channelBinding as configured
	 */
	public record Auth(@Nullable String require, boolean allowCleartextPassword, String channelBinding) {

	}

	/**
	 * The autosize controller of the pool.
	 *
	 * @param enabled whether the controller moves the pool's working maximum
	 * @param interval time between two decisions
	 * @param step most connections added or removed by one decision
	 * @param minGain share of the per-connection throughput each added connection must add to count as help
	 * @param waitThreshold mean acquire wait from which callers count as waiting
	 * @param shrinkDelay time without waiting callers before the pool shrinks
	 * @param cooldown least time between two changes that are not steps of the same growth
	 * @param pause how long a manual resize through the endpoint pauses the controller
	 */
	public record Autosize(boolean enabled, Duration interval, int step, double minGain, Duration waitThreshold,
			Duration shrinkDelay, Duration cooldown, Duration pause) {

	}

	/**
	 * Who waits for a connection when every one is lent.
	 *
	 * @param fair whether waiting callers are served in the order they came
	 * @param maxWaiting most callers that may wait, or null for no bound
	 */
	public record Queue(boolean fair, @Nullable Integer maxWaiting) {

		/**
		 * Whether the pool needs a {@link WaitingLine} in front of Hikari's borrow.
		 * @return true when the line is fair or bounded
		 */
		public boolean lined() {
			return this.fair || this.maxWaiting != null;
		}

	}

}
