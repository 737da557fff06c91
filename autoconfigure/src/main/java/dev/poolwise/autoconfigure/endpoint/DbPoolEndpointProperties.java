package dev.poolwise.autoconfigure.endpoint;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of the {@code dbpool} endpoint, named and behaving like Spring Boot's {@code env} endpoint.
 */
@ConfigurationProperties("management.endpoint.dbpool")
public class DbPoolEndpointProperties {

	/**
	 * When to show values: session setting values, query texts, stacks, role names and server messages' quotes.
	 */
	private Show showValues = Show.NEVER;

	/**
	 * Roles used to determine whether a user is authorized to see values and to resize pools. When empty, all
	 * authenticated users may see values, and anyone the access level lets write may resize.
	 */
	private final Set<String> roles = new HashSet<>();

	/**
	 * How long one read of each pool's server serves every request after it ended; zero to read again
	 * whenever no read is in flight.
	 */
	private Duration sampleTtl = Duration.ofSeconds(10);

	/**
	 * Whether to read index usage from pg_stat_user_indexes, a scan of every index's statistics and size.
	 */
	private boolean indexUsage;

	public Show getShowValues() {
		return this.showValues;
	}

	public void setShowValues(Show showValues) {
		this.showValues = showValues;
	}

	public Set<String> getRoles() {
		return this.roles;
	}

	public Duration getSampleTtl() {
		return this.sampleTtl;
	}

	public void setSampleTtl(Duration sampleTtl) {
		this.sampleTtl = sampleTtl;
	}

	public boolean isIndexUsage() {
		return this.indexUsage;
	}

	public void setIndexUsage(boolean indexUsage) {
		this.indexUsage = indexUsage;
	}

}
