package dev.poolwise.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * Read replicas of Spring Boot's primary pool under {@code db.pool.replicas}: where they are, how far
 * behind they may be, and any {@code db.pool} key for their pools, which override {@code db.pool} and are
 * overridden in turn per replica under {@code hosts.<name>}. The pool keys a replica pool never reads
 * ({@code health.*}, {@code ssl.expiry-warning}, {@code lazy-start}) bind here only to be refused by
 * {@link ReplicaRules}, and the configuration metadata marks them as errors.
 */
public class ReplicaProperties extends PoolProperties {

	/**
	 * JDBC URL of the streaming standbys, one host or several as pgjdbc writes them
	 * (jdbc:postgresql://replica-a:5432,replica-b:5432/app); each host gets a pool of its own.
	 */
	private @Nullable String url;

	/**
	 * Largest replay lag behind the primary at which a replica still takes new read-only transactions.
	 */
	private Duration maxLag = Duration.ofSeconds(2);

	/**
	 * Interval at which each replica's state and replay lag are checked on a connection of their own.
	 */
	private Duration checkInterval = Duration.ofMillis(500);

	/**
	 * Whether startup fails when a replica is unreachable; otherwise reads go to the primary until it answers.
	 */
	private boolean required;

	/**
	 * Whether a read-only transaction after a write on the same thread runs only where that write is visible;
	 * costs one round trip when each connection that ran statements on the primary is given back.
	 */
	private boolean readYourWrites = true;

	/**
	 * Health status of a replica that takes no read-only transactions (lagging, unreachable, promoted); the
	 * default is not part of the status order, so overall health stays UP while the primary serves the reads.
	 */
	private String outOfRotationStatus = "OUT_OF_ROTATION";

	/**
	 * Per-replica overrides of any db.pool key, by replica name: its host, or host-port when the URL names
	 * the host more than once.
	 */
	private Map<String, PoolProperties> hosts = new LinkedHashMap<>();

	/**
	 * Read-your-writes across requests of a servlet web application.
	 */
	private final Consistency consistency = new Consistency();

	public @Nullable String getUrl() {
		return this.url;
	}

	public void setUrl(@Nullable String url) {
		this.url = url;
	}

	public Duration getMaxLag() {
		return this.maxLag;
	}

	public void setMaxLag(Duration maxLag) {
		this.maxLag = maxLag;
	}

	public Duration getCheckInterval() {
		return this.checkInterval;
	}

	public void setCheckInterval(Duration checkInterval) {
		this.checkInterval = checkInterval;
	}

	public boolean isRequired() {
		return this.required;
	}

	public void setRequired(boolean required) {
		this.required = required;
	}

	public boolean isReadYourWrites() {
		return this.readYourWrites;
	}

	public void setReadYourWrites(boolean readYourWrites) {
		this.readYourWrites = readYourWrites;
	}

	public String getOutOfRotationStatus() {
		return this.outOfRotationStatus;
	}

	public void setOutOfRotationStatus(String outOfRotationStatus) {
		this.outOfRotationStatus = outOfRotationStatus;
	}

	public Map<String, PoolProperties> getHosts() {
		return this.hosts;
	}

	public void setHosts(Map<String, PoolProperties> hosts) {
		this.hosts = hosts;
	}

	public Consistency getConsistency() {
		return this.consistency;
	}

	/**
	 * Read-your-writes across requests: a response to a request that wrote carries a signed token of the
	 * write's position, and a later request that brings it back reads only where that position is replayed.
	 */
	public static class Consistency {

		/**
		 * Whether responses to requests that wrote carry a read-your-writes token and requests that bring one
		 * read only where its write is visible.
		 */
		private boolean enabled;

		/**
		 * Key that signs the tokens (HMAC-SHA256), at least 32 characters, the same on every instance.
		 */
		private @Nullable String secret;

		/**
		 * Cookie that carries the token for browsers.
		 */
		private String cookieName = "db-pool-lsn";

		/**
		 * Header that carries the token for other clients, in responses and requests.
		 */
		private String headerName = "Db-Pool-Lsn";

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public @Nullable String getSecret() {
			return this.secret;
		}

		public void setSecret(@Nullable String secret) {
			this.secret = secret;
		}

		public String getCookieName() {
			return this.cookieName;
		}

		public void setCookieName(String cookieName) {
			this.cookieName = cookieName;
		}

		public String getHeaderName() {
			return this.headerName;
		}

		public void setHeaderName(String headerName) {
			this.headerName = headerName;
		}

	}

}
