package dev.poolwise.autoconfigure;

import java.time.Duration;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.poolwise.pool.JdbcUrls;
import dev.poolwise.replica.ReplicaUrls;
import dev.poolwise.validation.Durations;
import dev.poolwise.validation.Violations;

/**
 * The rules of {@code db.pool.replicas} that need no server: a PostgreSQL URL naming its hosts, a lag bound
 * the check interval can enforce, and overrides only for replicas the URL names. All are reported at once.
 */
final class ReplicaRules {

	static final Duration LONGEST_LAG = Duration.ofHours(1);

	static final Duration SHORTEST_INTERVAL = Duration.ofMillis(100);

	private static final String PREFIX = ReplicaPropertySources.REPLICAS + ".";

	private final ReplicaProperties replicas;

	ReplicaRules(ReplicaProperties replicas) {
		this.replicas = replicas;
	}

	/**
	 * Checks the replica keys, adding every problem to a report that other checks share.
	 * @param violations the report
	 * @return each replica's URL by name, empty when the URL is wrong
	 */
	Map<String, String> validate(Violations violations) {
		Map<String, String> urls = urls(violations);
		Duration maxLag = this.replicas.getMaxLag();
		if (maxLag.isNegative() || maxLag.isZero() || maxLag.compareTo(LONGEST_LAG) > 0) {
			violations.add(PREFIX + "max-lag", Durations.format(maxLag), "must be more than 0 and at most "
					+ Durations.format(LONGEST_LAG) + " (a replica further behind serves data too old for the "
					+ "application's own reads)", "Set it between 100ms and 1h, e.g. 2s.");
		}
		Duration interval = this.replicas.getCheckInterval();
		if (interval.compareTo(SHORTEST_INTERVAL) < 0 || interval.compareTo(maxLag) > 0) {
			violations.add(PREFIX + "check-interval", Durations.format(interval),
					"must be at least " + Durations.format(SHORTEST_INTERVAL) + " and at most max-lag ("
							+ Durations.format(maxLag) + "): lag is only known to within one check interval",
					"Set it between 100ms and " + PREFIX + "max-lag.");
		}
		if (urls != null) {
			for (String name : this.replicas.getHosts().keySet()) {
				if (!urls.containsKey(name)) {
					violations.add(PREFIX + "hosts[" + name + "]", name,
							"no replica of " + PREFIX + "url is named '" + name + "' (names: "
									+ String.join(", ", urls.keySet()) + ")",
							"Key the overrides by one of those names.");
				}
			}
		}
		return (urls != null) ? urls : Map.of();
	}

	private @Nullable Map<String, String> urls(Violations violations) {
		String url = this.replicas.getUrl();
		if (url == null || url.isBlank()) {
			violations.add(PREFIX + "url", "(not set)", PREFIX + "* keys are set but " + PREFIX
					+ "url, the standbys to route read-only transactions to, is not",
					"Set " + PREFIX + "url (jdbc:postgresql://replica-a:5432,replica-b:5432/app), or remove the "
							+ PREFIX + "* keys.");
			return null;
		}
		if (!JdbcUrls.isPostgreSql(url)) {
			violations.add(PREFIX + "url", JdbcUrls.mask(url),
					"replicas must be PostgreSQL streaming standbys (a jdbc:postgresql: URL)",
					"Point it at the primary's standbys: jdbc:postgresql://host:port/db.");
			return null;
		}
		try {
			return ReplicaUrls.split(url);
		}
		catch (IllegalArgumentException ex) {
			violations.add(PREFIX + "url", JdbcUrls.mask(url), "cannot be split into replicas: " + ex.getMessage(),
					"Write it as pgjdbc does: jdbc:postgresql://replica-a:5432,replica-b:5432/app.");
			return null;
		}
	}

}
