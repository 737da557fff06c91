package dev.poolwise.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;

/**
 * Configuration of the PostgreSQL pools under {@code db.pool}: one pool's keys (declared in
 * {@link PoolProperties}, which says why this class extends it), which every pool takes, each pool's own
 * overrides, and the settings of the application as a whole. Unknown keys fail binding, so a typo never
 * silently leaves a default in place.
 */
@ConfigurationProperties(prefix = "db.pool", ignoreUnknownFields = false)
public class PoolwiseProperties extends PoolProperties {

	/**
	 * Per-DataSource overrides of any db.pool key, by bean name.
	 */
	private Map<String, PoolProperties> datasources = new LinkedHashMap<>();

	/**
	 * Read replicas that serve the read-only transactions of Spring Boot's pool.
	 */
	@NestedConfigurationProperty
	private final ReplicaProperties replicas = new ReplicaProperties();

	/**
	 * Spring MVC's answer to a pool timeout.
	 */
	private final Web web = new Web();

	/**
	 * Readiness while the pools fill after startup.
	 */
	private final Warmup warmup = new Warmup();

	/**
	 * Meters beyond Poolwise's own.
	 */
	private final Metrics metrics = new Metrics();

	/**
	 * Schema migrations (Flyway) run at startup on connections of their own.
	 */
	private final Migration migration = new Migration();

	public Map<String, PoolProperties> getDatasources() {
		return this.datasources;
	}

	public void setDatasources(Map<String, PoolProperties> datasources) {
		this.datasources = datasources;
	}

	public ReplicaProperties getReplicas() {
		return this.replicas;
	}

	public Web getWeb() {
		return this.web;
	}

	public Warmup getWarmup() {
		return this.warmup;
	}

	public Metrics getMetrics() {
		return this.metrics;
	}

	public Migration getMigration() {
		return this.migration;
	}

	/**
	 * Schema migrations run at startup on connections of their own.
	 */
	public static class Migration {

		/**
		 * Longest a migration statement may run before the server cancels it (statement_timeout on the
		 * migration's own connections, in place of db.pool.session.statement-timeout), 0 for no limit.
		 */
		private Duration statementTimeout = Duration.ZERO;

		/**
		 * Longest a migration statement waits for a lock (lock_timeout on the migration's own connections, in
		 * place of db.pool.session.lock-timeout), 0 for no limit.
		 */
		private Duration lockTimeout = Duration.ZERO;

		/**
		 * Longest a migration's session may sit idle in a transaction (idle_in_transaction_session_timeout on
		 * its own connections, in place of db.pool.session.idle-in-transaction-timeout), 0 for no limit.
		 */
		private Duration idleInTransactionTimeout = Duration.ZERO;

		/**
		 * Longest a migration's transaction may run (transaction_timeout, PostgreSQL 17+, on its own
		 * connections, in place of db.pool.session.settings.transaction_timeout), 0 for no limit.
		 */
		private Duration transactionTimeout = Duration.ZERO;

		public Duration getStatementTimeout() {
			return this.statementTimeout;
		}

		public void setStatementTimeout(Duration statementTimeout) {
			this.statementTimeout = statementTimeout;
		}

		public Duration getLockTimeout() {
			return this.lockTimeout;
		}

		public void setLockTimeout(Duration lockTimeout) {
			this.lockTimeout = lockTimeout;
		}

		public Duration getIdleInTransactionTimeout() {
			return this.idleInTransactionTimeout;
		}

		public void setIdleInTransactionTimeout(Duration idleInTransactionTimeout) {
			this.idleInTransactionTimeout = idleInTransactionTimeout;
		}

		public Duration getTransactionTimeout() {
			return this.transactionTimeout;
		}

		public void setTransactionTimeout(Duration transactionTimeout) {
			this.transactionTimeout = transactionTimeout;
		}

	}

	/**
	 * Spring MVC's answer to a request that got no connection in time.
	 */
	public static class Web {

		private final PoolTimeoutStatus poolTimeoutStatus = new PoolTimeoutStatus();

		public PoolTimeoutStatus getPoolTimeoutStatus() {
			return this.poolTimeoutStatus;
		}

		/**
		 * The 503 answer to a pool timeout.
		 */
		public static class PoolTimeoutStatus {

			/**
			 * Whether a request that got no pool connection within timeout is answered with 503 Service
			 * Unavailable, Retry-After and a problem detail instead of 500.
			 */
			private boolean enabled = true;

			public boolean isEnabled() {
				return this.enabled;
			}

			public void setEnabled(boolean enabled) {
				this.enabled = enabled;
			}

		}

	}

	/**
	 * Readiness while the pools fill after startup.
	 */
	public static class Warmup {

		/**
		 * Longest time after startup the dbPoolWarm indicator reports OUT_OF_SERVICE while the pool has fewer
		 * than size open connections.
		 */
		private Duration timeout = Duration.ofSeconds(30);

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

	}

	/**
	 * Meters beyond Poolwise's own.
	 */
	public static class Metrics {

		private final Opentelemetry opentelemetry = new Opentelemetry();

		public Opentelemetry getOpentelemetry() {
			return this.opentelemetry;
		}

		/**
		 * The OpenTelemetry semantic conventions for connection pools.
		 */
		public static class Opentelemetry {

			/**
			 * Whether the db.client.connection.* meters of the OpenTelemetry semantic conventions are
			 * published for each tuned pool, from Hikari's own counters and timers.
			 */
			private boolean enabled;

			public boolean isEnabled() {
				return this.enabled;
			}

			public void setEnabled(boolean enabled) {
				this.enabled = enabled;
			}

		}

	}

}
