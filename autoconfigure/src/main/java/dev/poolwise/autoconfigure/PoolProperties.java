package dev.poolwise.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.poolwise.pool.PoolSettings;
import dev.poolwise.sizing.WorkerCountSizing;
import dev.poolwise.pool.TlsMode;


/**
 * Configuration of one PostgreSQL pool: the keys of {@code db.pool}, of each {@code db.pool.datasources.<bean>},
 * and of the replica pools under {@code db.pool.replicas} and {@code db.pool.replicas.hosts.<name>}, each level
 * bound on top of the one before. Every key is declared once, here; the few a replica pool never reads are
 * refused there by {@link ReplicaRules}.
 * <p>
 * A pool's keys are written with the same names at all four levels ({@code db.pool.size},
 * {@code db.pool.replicas.size}), so the holders of the two levels that add keys of their own,
 * {@link PoolwiseProperties} and {@link ReplicaProperties}, extend this class: Spring Boot's binder cannot lay a
 * field's keys at its holder's level, and Spring Boot shares a group of keys between levels the same way
 * ({@code RabbitProperties.SimpleContainer} and {@code DirectContainer} extend {@code AmqpContainer}). Nothing
 * else inherits; every group is a field. {@code docs/properties.md} ("How the keys are shaped") gives the reasons
 * for the names, and {@code ConfigurationMapTests} holds the shape.
 */
public class PoolProperties {

	/**
	 * Whether Poolwise tunes Spring Boot's Hikari pool; false leaves it untouched.
	 */
	private boolean enabled = true;

	/**
	 * Permanent connections kept ready (Hikari minimumIdle).
	 */
	private int size = 10;

	/**
	 * Extra connections opened for bursts on top of size, retired after idle-timeout.
	 */
	private int overflow = 10;

	/**
	 * Longest a caller waits for a connection (Hikari connectionTimeout).
	 */
	private Duration timeout = Duration.ofSeconds(30);

	/**
	 * Maximum age of a connection before it is replaced, 0 for no limit (Hikari maxLifetime).
	 */
	private Duration recycle = Duration.ofMinutes(30);

	/**
	 * Idle time after which an overflow connection is closed, 0 to keep them (Hikari idleTimeout).
	 */
	private Duration idleTimeout = Duration.ofMinutes(10);

	/**
	 * Whether idle connections are pinged every keepalive interval so a dead one is replaced before it is
	 * borrowed.
	 */
	private boolean prePing = true;

	/**
	 * Interval at which idle connections are pinged when pre-ping is on (Hikari keepaliveTime).
	 */
	private Duration keepalive = Duration.ofMinutes(2);

	/**
	 * Number of concurrent workers (request threads, consumers) the pool serves; derives size and overflow
	 * when they are not set.
	 */
	private @Nullable Integer workerCount;

	/**
	 * Application replicas sharing the database, used by the connection-budget check.
	 */
	private int instances = 1;

	/**
	 * Name of the HikariCredentialsProvider bean that supplies the user and password of each new connection,
	 * when there is more than one such bean.
	 */
	private @Nullable String credentialsProvider;

	/**
	 * Time a connection may be held before Hikari logs a possible leak with the borrower's stack.
	 */
	private @Nullable Duration leakDetectionThreshold;

	/**
	 * Time allowed to open the TCP connection to the server (pgjdbc connectTimeout, whole seconds).
	 */
	private Duration connectTimeout = Duration.ofSeconds(10);

	/**
	 * Time allowed for connecting and authenticating (pgjdbc loginTimeout, whole seconds).
	 */
	private Duration loginTimeout = Duration.ofSeconds(10);

	/**
	 * Time a read from the server may block before the connection is closed (pgjdbc socketTimeout, whole
	 * seconds).
	 */
	private @Nullable Duration socketTimeout;

	/**
	 * Whether the application starts while PostgreSQL is unreachable; the pool then connects on first use
	 * and the startup checks of session settings and connection budget are skipped.
	 */
	private boolean lazyStart;

	/**
	 * Name shown in pg_stat_activity (pgjdbc ApplicationName); defaults to spring.application.name.
	 */
	private @Nullable String applicationName;

	/**
	 * Whether pgjdbc rewrites batched INSERTs into multi-row INSERTs (pgjdbc reWriteBatchedInserts).
	 */
	private boolean rewriteBatchedInserts = true;

	private final TcpKeepalive tcpKeepalive = new TcpKeepalive();

	private final Session session = new Session();

	private final Sizing sizing = new Sizing();

	private final Budget budget = new Budget();

	private final Health health = new Health();

	private final Monitor monitor = new Monitor();

	private final Endpoint endpoint = new Endpoint();

	private final Pgbouncer pgbouncer = new Pgbouncer();

	private final Ssl ssl = new Ssl();

	private final Auth auth = new Auth();

	private final Autosize autosize = new Autosize();

	private final Queue queue = new Queue();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public int getSize() {
		return this.size;
	}

	public void setSize(int size) {
		this.size = size;
	}

	public int getOverflow() {
		return this.overflow;
	}

	public void setOverflow(int overflow) {
		this.overflow = overflow;
	}

	public Duration getTimeout() {
		return this.timeout;
	}

	public void setTimeout(Duration timeout) {
		this.timeout = timeout;
	}

	public Duration getRecycle() {
		return this.recycle;
	}

	public void setRecycle(Duration recycle) {
		this.recycle = recycle;
	}

	public Duration getIdleTimeout() {
		return this.idleTimeout;
	}

	public void setIdleTimeout(Duration idleTimeout) {
		this.idleTimeout = idleTimeout;
	}

	public boolean isPrePing() {
		return this.prePing;
	}

	public void setPrePing(boolean prePing) {
		this.prePing = prePing;
	}

	public Duration getKeepalive() {
		return this.keepalive;
	}

	public void setKeepalive(Duration keepalive) {
		this.keepalive = keepalive;
	}

	public @Nullable Integer getWorkerCount() {
		return this.workerCount;
	}

	public void setWorkerCount(@Nullable Integer workerCount) {
		this.workerCount = workerCount;
	}

	public int getInstances() {
		return this.instances;
	}

	public void setInstances(int instances) {
		this.instances = instances;
	}

	public @Nullable String getCredentialsProvider() {
		return this.credentialsProvider;
	}

	public void setCredentialsProvider(@Nullable String credentialsProvider) {
		this.credentialsProvider = credentialsProvider;
	}

	public @Nullable Duration getLeakDetectionThreshold() {
		return this.leakDetectionThreshold;
	}

	public void setLeakDetectionThreshold(@Nullable Duration leakDetectionThreshold) {
		this.leakDetectionThreshold = leakDetectionThreshold;
	}

	public Duration getConnectTimeout() {
		return this.connectTimeout;
	}

	public void setConnectTimeout(Duration connectTimeout) {
		this.connectTimeout = connectTimeout;
	}

	public Duration getLoginTimeout() {
		return this.loginTimeout;
	}

	public void setLoginTimeout(Duration loginTimeout) {
		this.loginTimeout = loginTimeout;
	}

	public @Nullable Duration getSocketTimeout() {
		return this.socketTimeout;
	}

	public void setSocketTimeout(@Nullable Duration socketTimeout) {
		this.socketTimeout = socketTimeout;
	}

	public boolean isLazyStart() {
		return this.lazyStart;
	}

	public void setLazyStart(boolean lazyStart) {
		this.lazyStart = lazyStart;
	}

	public @Nullable String getApplicationName() {
		return this.applicationName;
	}

	public void setApplicationName(@Nullable String applicationName) {
		this.applicationName = applicationName;
	}

	public boolean isRewriteBatchedInserts() {
		return this.rewriteBatchedInserts;
	}

	public void setRewriteBatchedInserts(boolean rewriteBatchedInserts) {
		this.rewriteBatchedInserts = rewriteBatchedInserts;
	}

	public TcpKeepalive getTcpKeepalive() {
		return this.tcpKeepalive;
	}

	public Session getSession() {
		return this.session;
	}

	public Sizing getSizing() {
		return this.sizing;
	}

	public Budget getBudget() {
		return this.budget;
	}

	public Health getHealth() {
		return this.health;
	}

	public Monitor getMonitor() {
		return this.monitor;
	}

	public Endpoint getEndpoint() {
		return this.endpoint;
	}

	public Pgbouncer getPgbouncer() {
		return this.pgbouncer;
	}

	public Ssl getSsl() {
		return this.ssl;
	}

	public Auth getAuth() {
		return this.auth;
	}

	public Autosize getAutosize() {
		return this.autosize;
	}

	public Queue getQueue() {
		return this.queue;
	}

	/**
	 * These properties as the plain values the runtime packages take.
	 * @return the settings
	 */
	public PoolSettings toSettings() {
		TcpKeepalive k = this.tcpKeepalive;
		Sizing z = this.sizing;
		PoolSettings.Driver driver = new PoolSettings.Driver(this.connectTimeout, this.loginTimeout,
				this.socketTimeout, this.applicationName,
				new PoolSettings.TcpKeepalive(k.isEnabled(), k.getIdle(), k.getInterval(), k.getCount()),
				this.rewriteBatchedInserts);
		PoolSettings.Session session = new PoolSettings.Session(this.session.getStatementTimeout(),
				this.session.getLockTimeout(), this.session.getIdleInTransactionTimeout(),
				Collections.unmodifiableMap(new LinkedHashMap<>(this.session.getSettings())));
		PoolSettings.Sizing sizing = new PoolSettings.Sizing(new WorkerCountSizing(z.getMinRatio(), z.getMaxRatio(),
				z.getMinFloor(), z.getMinCeiling(), z.getMaxFloor(), z.getMaxCeiling()), z.getLimit());
		PoolSettings.Health health = new PoolSettings.Health(this.health.getWarnUtilization(),
				this.health.getCriticalUtilization(), this.health.getTimeout(), this.health.getMaxAge(),
				this.health.getSaturatedStatus(), List.copyOf(this.health.getRequiredExtensions()),
				this.health.isReplaceDbIndicator());
		return new PoolSettings(this.enabled, this.size, this.overflow, this.timeout, this.recycle, this.idleTimeout,
				this.prePing, this.keepalive, this.workerCount, this.instances, this.credentialsProvider,
				this.leakDetectionThreshold, this.lazyStart, driver, session, sizing, this.budget.isEnforce(), health,
				new PoolSettings.Monitor(this.monitor.isEnabled(), this.monitor.getInterval()),
				this.endpoint.isResizeEnabled(), new PoolSettings.Pgbouncer(this.pgbouncer.isEnabled(),
						this.pgbouncer.getPreparedStatements(), this.pgbouncer.getClientIdleTimeout()),
				new PoolSettings.Ssl(this.ssl.getBundle(), this.ssl.getMode(), this.ssl.getRotationWindow(),
						this.ssl.isRequireVerified(), this.ssl.getExpiryWarning(), this.ssl.getNegotiation()),
				new PoolSettings.Auth(this.auth.getRequire(), this.auth.isAllowCleartextPassword(),
						this.auth.getChannelBinding()),
				this.autosize.toSettings(), new PoolSettings.Queue(this.queue.isFair(), this.queue.getMaxWaiting()));
	}

	/**
	 * Operating-system TCP keepalive on each connection's socket.
	 */
	public static class TcpKeepalive {

		/**
		 * Whether TCP keepalive probes are sent on idle sockets, so a dead peer is noticed in minutes.
		 */
		private boolean enabled = true;

		/**
		 * Idle time before the first probe (TCP_KEEPIDLE, whole seconds).
		 */
		private Duration idle = Duration.ofSeconds(60);

		/**
		 * Time between probes (TCP_KEEPINTERVAL, whole seconds).
		 */
		private Duration interval = Duration.ofSeconds(10);

		/**
		 * Unanswered probes before the connection is declared dead (TCP_KEEPCOUNT).
		 */
		private int count = 6;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getIdle() {
			return this.idle;
		}

		public void setIdle(Duration idle) {
			this.idle = idle;
		}

		public Duration getInterval() {
			return this.interval;
		}

		public void setInterval(Duration interval) {
			this.interval = interval;
		}

		public int getCount() {
			return this.count;
		}

		public void setCount(int count) {
			this.count = count;
		}

	}

	/**
	 * PostgreSQL settings applied to every new connection.
	 */
	public static class Session {

		/**
		 * Longest a statement may run before the server cancels it (statement_timeout).
		 */
		private @Nullable Duration statementTimeout;

		/**
		 * Longest a statement waits for a lock (lock_timeout).
		 */
		private @Nullable Duration lockTimeout;

		/**
		 * Longest a session may sit idle inside a transaction before the server ends it
		 * (idle_in_transaction_session_timeout).
		 */
		private @Nullable Duration idleInTransactionTimeout;

		/**
		 * Other session settings by name, dashes for underscores, e.g. work-mem: 16MB.
		 */
		private Map<String, String> settings = new LinkedHashMap<>();

		public @Nullable Duration getStatementTimeout() {
			return this.statementTimeout;
		}

		public void setStatementTimeout(@Nullable Duration statementTimeout) {
			this.statementTimeout = statementTimeout;
		}

		public @Nullable Duration getLockTimeout() {
			return this.lockTimeout;
		}

		public void setLockTimeout(@Nullable Duration lockTimeout) {
			this.lockTimeout = lockTimeout;
		}

		public @Nullable Duration getIdleInTransactionTimeout() {
			return this.idleInTransactionTimeout;
		}

		public void setIdleInTransactionTimeout(@Nullable Duration idleInTransactionTimeout) {
			this.idleInTransactionTimeout = idleInTransactionTimeout;
		}

		public Map<String, String> getSettings() {
			return this.settings;
		}

		public void setSettings(Map<String, String> settings) {
			this.settings = settings;
		}

	}

	/**
	 * Ratios and clamps of the worker-count sizing formula.
	 */
	public static class Sizing {

		/**
		 * Fraction of worker-count kept as permanent connections.
		 */
		private double minRatio = 0.1;

		/**
		 * Fraction of worker-count allowed as the pool maximum.
		 */
		private double maxRatio = 0.5;

		/**
		 * Lower clamp of the derived permanent connections.
		 */
		private int minFloor = 2;

		/**
		 * Upper clamp of the derived permanent connections.
		 */
		private int minCeiling = 5;

		/**
		 * Lower clamp of the derived pool maximum.
		 */
		private int maxFloor = 10;

		/**
		 * Upper clamp of the derived pool maximum.
		 */
		private int maxCeiling = 20;

		/**
		 * Largest size plus overflow accepted at startup; a bigger pool is almost always a mistake.
		 */
		private int limit = 200;

		public double getMinRatio() {
			return this.minRatio;
		}

		public void setMinRatio(double minRatio) {
			this.minRatio = minRatio;
		}

		public double getMaxRatio() {
			return this.maxRatio;
		}

		public void setMaxRatio(double maxRatio) {
			this.maxRatio = maxRatio;
		}

		public int getMinFloor() {
			return this.minFloor;
		}

		public void setMinFloor(int minFloor) {
			this.minFloor = minFloor;
		}

		public int getMinCeiling() {
			return this.minCeiling;
		}

		public void setMinCeiling(int minCeiling) {
			this.minCeiling = minCeiling;
		}

		public int getMaxFloor() {
			return this.maxFloor;
		}

		public void setMaxFloor(int maxFloor) {
			this.maxFloor = maxFloor;
		}

		public int getMaxCeiling() {
			return this.maxCeiling;
		}

		public void setMaxCeiling(int maxCeiling) {
			this.maxCeiling = maxCeiling;
		}

		public int getLimit() {
			return this.limit;
		}

		public void setLimit(int limit) {
			this.limit = limit;
		}

	}

	/**
	 * Startup check of the pool against the connections the server has left.
	 */
	public static class Budget {

		/**
		 * Whether an exceeded connection budget fails startup instead of logging a warning.
		 */
		private boolean enforce;

		public boolean isEnforce() {
			return this.enforce;
		}

		public void setEnforce(boolean enforce) {
			this.enforce = enforce;
		}

	}

	/**
	 * The dbPool health indicator.
	 */
	public static class Health {

		/**
		 * Utilization (active / max) at which health reports a warning.
		 */
		private double warnUtilization = 0.7;

		/**
		 * Utilization (active / max) at which health reports a critical warning.
		 */
		private double criticalUtilization = 0.9;

		/**
		 * Longest the server probe may take before the pool is reported DOWN.
		 */
		private Duration timeout = Duration.ofSeconds(1);

		/**
		 * Longest a server probe's answer is reused, refreshed in the background meanwhile; 0 probes on every call.
		 */
		private Duration maxAge = Duration.ofSeconds(1);

		/**
		 * Status reported when the pool is saturated (critical utilization or waiting threads), e.g. UP,
		 * OUT_OF_SERVICE or DOWN.
		 */
		private String saturatedStatus = "UP";

		/**
		 * Extensions that must be installed in the database, e.g. vector; health is DOWN without them.
		 */
		private List<String> requiredExtensions = new ArrayList<>();

		/**
		 * Whether dbPool replaces Spring Boot's db indicator for this pool; db borrows from the pool and so
		 * blocks for up to timeout when the pool is saturated.
		 */
		private boolean replaceDbIndicator = true;

		public double getWarnUtilization() {
			return this.warnUtilization;
		}

		public void setWarnUtilization(double warnUtilization) {
			this.warnUtilization = warnUtilization;
		}

		public double getCriticalUtilization() {
			return this.criticalUtilization;
		}

		public void setCriticalUtilization(double criticalUtilization) {
			this.criticalUtilization = criticalUtilization;
		}

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

		public Duration getMaxAge() {
			return this.maxAge;
		}

		public void setMaxAge(Duration maxAge) {
			this.maxAge = maxAge;
		}

		public String getSaturatedStatus() {
			return this.saturatedStatus;
		}

		public void setSaturatedStatus(String saturatedStatus) {
			this.saturatedStatus = saturatedStatus;
		}

		public List<String> getRequiredExtensions() {
			return this.requiredExtensions;
		}

		public void setRequiredExtensions(List<String> requiredExtensions) {
			this.requiredExtensions = requiredExtensions;
		}

		public boolean isReplaceDbIndicator() {
			return this.replaceDbIndicator;
		}

		public void setReplaceDbIndicator(boolean replaceDbIndicator) {
			this.replaceDbIndicator = replaceDbIndicator;
		}

	}

	/**
	 * The background sampler of server-side statistics.
	 */
	public static class Monitor {

		/**
		 * Whether server-side session statistics are sampled in the background.
		 */
		private boolean enabled = true;

		/**
		 * Time between two samples of pg_stat_activity.
		 */
		private Duration interval = Duration.ofSeconds(15);

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getInterval() {
			return this.interval;
		}

		public void setInterval(Duration interval) {
			this.interval = interval;
		}

	}

	/**
	 * The dbpool actuator endpoint.
	 */
	public static class Endpoint {

		/**
		 * Whether the endpoint may change size and overflow at runtime.
		 */
		private boolean resizeEnabled;

		public boolean isResizeEnabled() {
			return this.resizeEnabled;
		}

		public void setResizeEnabled(boolean resizeEnabled) {
			this.resizeEnabled = resizeEnabled;
		}

	}

	/**
	 * Connecting through PgBouncer in transaction pooling mode.
	 */
	public static class Pgbouncer {

		/**
		 * Whether the URL points at PgBouncer in transaction pooling mode.
		 */
		private boolean enabled;

		/**
		 * Whether to keep server-side prepared statements, which only PgBouncer 1.21+ with
		 * max_prepared_statements above 0 routes. When unset, a probe at startup finds out.
		 */
		private @Nullable Boolean preparedStatements;

		/**
		 * PgBouncer's client_idle_timeout, when it is set there; idle pool connections must be pinged more
		 * often than this, or with pre-ping off retired sooner by recycle and idle-timeout.
		 */
		private @Nullable Duration clientIdleTimeout;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public @Nullable Boolean getPreparedStatements() {
			return this.preparedStatements;
		}

		public void setPreparedStatements(@Nullable Boolean preparedStatements) {
			this.preparedStatements = preparedStatements;
		}

		public @Nullable Duration getClientIdleTimeout() {
			return this.clientIdleTimeout;
		}

		public void setClientIdleTimeout(@Nullable Duration clientIdleTimeout) {
			this.clientIdleTimeout = clientIdleTimeout;
		}

	}

	/**
	 * TLS to the server from a Spring Boot SSL bundle.
	 */
	public static class Ssl {

		/**
		 * Name of the SSL bundle (spring.ssl.bundle.pem.* or .jks.*) whose trust material verifies the server and
		 * whose key material, if any, is the client certificate.
		 */
		private @Nullable String bundle;

		/**
		 * What is verified about the server when a bundle is set: verify-full (certificate chain and host name),
		 * verify-ca (chain only) or require (encryption only).
		 */
		private TlsMode mode = TlsMode.VERIFY_FULL;

		/**
		 * Time over which open connections are replaced one at a time after the bundle is reloaded.
		 */
		private Duration rotationWindow = Duration.ofMinutes(1);

		/**
		 * Whether startup fails, instead of warning, for a pool to a host other than this machine whose server
		 * is not verified in full.
		 */
		private boolean requireVerified;

		/**
		 * Time before the server or client certificate expires from which health reports a warning.
		 */
		private Duration expiryWarning = Duration.ofDays(14);

		/**
		 * How TLS is started (pgjdbc sslNegotiation): postgres (PostgreSQL's SSL request first) or direct (a TLS
		 * handshake at once, one round trip less, PostgreSQL 17 or later); direct needs TLS required.
		 */
		private String negotiation = "postgres";

		public @Nullable String getBundle() {
			return this.bundle;
		}

		public void setBundle(@Nullable String bundle) {
			this.bundle = bundle;
		}

		public TlsMode getMode() {
			return this.mode;
		}

		public void setMode(TlsMode mode) {
			this.mode = mode;
		}

		public Duration getRotationWindow() {
			return this.rotationWindow;
		}

		public void setRotationWindow(Duration rotationWindow) {
			this.rotationWindow = rotationWindow;
		}

		public boolean isRequireVerified() {
			return this.requireVerified;
		}

		public void setRequireVerified(boolean requireVerified) {
			this.requireVerified = requireVerified;
		}

		public Duration getExpiryWarning() {
			return this.expiryWarning;
		}

		public void setExpiryWarning(Duration expiryWarning) {
			this.expiryWarning = expiryWarning;
		}

		public String getNegotiation() {
			return this.negotiation;
		}

		public void setNegotiation(String negotiation) {
			this.negotiation = negotiation;
		}

	}

	/**
	 * How the pool logs in: the authentication methods the server may ask for, and channel binding.
	 */
	public static class Auth {

		/**
		 * Authentication methods the server may ask for (pgjdbc requireAuth): those allowed (scram-sha-256,md5) or
		 * those refused (!password,!md5), from password, md5, gss, sspi, scram-sha-256 and none; replaces the
		 * refusal of a cleartext password without TLS.
		 */
		private @Nullable String require;

		/**
		 * Whether the password may be sent in cleartext (pg_hba.conf method password) over a connection that the
		 * configuration does not require to use TLS, when require is not set.
		 */
		private boolean allowCleartextPassword;

		/**
		 * Whether a SCRAM login is bound to the TLS session (SCRAM-SHA-256-PLUS, pgjdbc channelBinding): disable,
		 * prefer (when the server offers it) or require (refuse any other login; needs TLS required).
		 */
		private String channelBinding = "prefer";

		public @Nullable String getRequire() {
			return this.require;
		}

		public void setRequire(@Nullable String require) {
			this.require = require;
		}

		public boolean isAllowCleartextPassword() {
			return this.allowCleartextPassword;
		}

		public void setAllowCleartextPassword(boolean allowCleartextPassword) {
			this.allowCleartextPassword = allowCleartextPassword;
		}

		public String getChannelBinding() {
			return this.channelBinding;
		}

		public void setChannelBinding(String channelBinding) {
			this.channelBinding = channelBinding;
		}

	}

	/**
	 * The controller that moves the pool's working maximum between size and size + overflow.
	 */
	public static class Autosize {

		/**
		 * Whether the pool's maximum is chosen at runtime from the measured load, between size and size +
		 * overflow and within the pool's share of the server's connection budget.
		 */
		private boolean enabled;

		/**
		 * Time between two decisions of the controller.
		 */
		private Duration interval = Duration.ofSeconds(1);

		/**
		 * Most connections one decision adds or removes.
		 */
		private int step = 2;

		/**
		 * Share of the per-connection throughput that each added connection must add for growth to go on.
		 */
		private double minGain = 0.3;

		/**
		 * Mean wait for a connection from which callers count as waiting.
		 */
		private Duration waitThreshold = Duration.ofMillis(2);

		/**
		 * Time without waiting callers before the pool shrinks toward size.
		 */
		private Duration shrinkDelay = Duration.ofSeconds(30);

		/**
		 * Least time between two changes other than the steps of one growth.
		 */
		private Duration cooldown = Duration.ofSeconds(10);

		/**
		 * How long a manual resize through the dbpool endpoint pauses the controller, 0 for not at all.
		 */
		private Duration pause = Duration.ofMinutes(5);

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getInterval() {
			return this.interval;
		}

		public void setInterval(Duration interval) {
			this.interval = interval;
		}

		public int getStep() {
			return this.step;
		}

		public void setStep(int step) {
			this.step = step;
		}

		public double getMinGain() {
			return this.minGain;
		}

		public void setMinGain(double minGain) {
			this.minGain = minGain;
		}

		public Duration getWaitThreshold() {
			return this.waitThreshold;
		}

		public void setWaitThreshold(Duration waitThreshold) {
			this.waitThreshold = waitThreshold;
		}

		public Duration getShrinkDelay() {
			return this.shrinkDelay;
		}

		public void setShrinkDelay(Duration shrinkDelay) {
			this.shrinkDelay = shrinkDelay;
		}

		public Duration getCooldown() {
			return this.cooldown;
		}

		public void setCooldown(Duration cooldown) {
			this.cooldown = cooldown;
		}

		public Duration getPause() {
			return this.pause;
		}

		public void setPause(Duration pause) {
			this.pause = pause;
		}

		PoolSettings.Autosize toSettings() {
			return new PoolSettings.Autosize(this.enabled, this.interval, this.step, this.minGain,
					this.waitThreshold, this.shrinkDelay, this.cooldown, this.pause);
		}

	}

	/**
	 * Who waits for a connection when every one is lent: in which order, and how many.
	 */
	public static class Queue {

		/**
		 * Whether callers waiting for a connection are served in the order they came, so one whose turn comes
		 * within the timeout is served.
		 */
		private boolean fair = true;

		/**
		 * Most callers that may wait for a connection; one more fails at once instead of waiting. Unset for
		 * no bound.
		 */
		private @Nullable Integer maxWaiting;

		public boolean isFair() {
			return this.fair;
		}

		public void setFair(boolean fair) {
			this.fair = fair;
		}

		public @Nullable Integer getMaxWaiting() {
			return this.maxWaiting;
		}

		public void setMaxWaiting(@Nullable Integer maxWaiting) {
			this.maxWaiting = maxWaiting;
		}

	}

}
