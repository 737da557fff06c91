package dev.poolwise.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.core.env.Environment;

import dev.poolwise.pool.JdbcUrls;
import dev.poolwise.replica.ReplicaUrls;
import dev.poolwise.validation.Durations;
import dev.poolwise.validation.Violations;

/**
 * The rules of {@code db.pool.replicas} that need no server: a PostgreSQL URL naming its hosts, a lag bound
 * the check interval can enforce, overrides only for replicas the URL names, no placeholder left unresolved,
 * and none of the pool keys a replica pool never reads. All are reported at once.
 */
final class ReplicaRules {

	static final Duration LONGEST_LAG = Duration.ofHours(1);

	static final Duration SHORTEST_INTERVAL = Duration.ofMillis(100);

	/**
	 * The pool keys a replica pool takes from {@link PoolProperties} and never reads, under
	 * {@code db.pool.replicas} and {@code db.pool.replicas.hosts.<name>}: each would bind and change nothing.
	 */
	static final List<IgnoredKey> IGNORED_KEYS = List.of(
			new IgnoredKey("health", false,
					"replica pools have no dbPool health indicator (a replica's health is its dbPoolReplicas "
							+ "component, from its state and lag), so this key changes nothing",
					"Remove it: db.pool.health.* configures the primary's dbPool indicator, and "
							+ "db.pool.replicas.out-of-rotation-status the status of a replica out of rotation."),
			new IgnoredKey("ssl.expiry-warning", false,
					"certificate expiry is reported by the dbPool health indicator, which replica pools do not have, "
							+ "so this key changes nothing",
					"Remove it: db.pool.ssl.expiry-warning sets the warning for the primary's certificates."),
			new IgnoredKey("queue", false,
					"replica pools keep Hikari's own queue: a read that finds its replica busy moves on to the next "
							+ "replica or the primary after db.pool.replicas.timeout, so this key changes nothing",
					"Remove it: db.pool.queue.* orders the callers waiting for the primary pool."),
			new IgnoredKey("lazy-start", false,
					"a replica pool always starts without waiting for its server, and only "
							+ "db.pool.replicas.required=true fails startup when a replica is unreachable, so this key "
							+ "changes nothing",
					"Remove it; set db.pool.replicas.required=true to fail startup on an unreachable replica."),
			new IgnoredKey("enabled", true,
					"every replica that db.pool.replicas.url names gets a pool, and db.pool.replicas.enabled "
							+ "switches them all, so this key changes nothing",
					"Remove it, and leave the replica out of db.pool.replicas.url to stop using it."));

	private static final String PREFIX = ReplicaPropertySources.REPLICAS + ".";

	private static final ConfigurationPropertyName REPLICAS = ConfigurationPropertyName
		.of(ReplicaPropertySources.REPLICAS);

	private static final ConfigurationPropertyName HOSTS = REPLICAS.append("hosts");

	private final ReplicaProperties replicas;

	private final Environment environment;

	ReplicaRules(ReplicaProperties replicas, Environment environment) {
		this.replicas = replicas;
		this.environment = environment;
	}

	/**
	 * Checks the replica keys, adding every problem to a report that other checks share.
	 * @param violations the report
	 * @return each replica's URL by name, empty when the URL is wrong
	 */
	Map<String, String> validate(Violations violations) {
		Set<ConfigurationPropertyName> unresolved = UnresolvedPlaceholders.check(this.environment, REPLICAS,
				violations);
		ignoredKeys(violations);
		Map<String, String> urls = unresolved.contains(REPLICAS.append("url")) ? null : urls(violations);
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

	/**
	 * Each written key that a replica pool never reads, named as written with its value.
	 */
	private void ignoredKeys(Violations violations) {
		PoolPropertySources.setUnder(this.environment, REPLICAS).forEach((name, property) -> {
			boolean perReplica = HOSTS.isAncestorOf(name) && name.getNumberOfElements() > 5;
			ConfigurationPropertyName key = name.subName(perReplica ? 5 : 3);
			for (IgnoredKey ignored : IGNORED_KEYS) {
				if ((perReplica || !ignored.perReplicaOnly()) && ignored.covers(key)) {
					violations.add(PoolKeys.written(name), property.getValue(), ignored.rule(), ignored.fix());
				}
			}
		});
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

	/**
	 * A pool key, or a group of them, that replica pools never read.
	 *
	 * @param key the key relative to the replica pool, e.g. {@code health} for every {@code health.*} key
	 * @param perReplicaOnly whether only {@code hosts.<name>.<key>} is ignored, {@code db.pool.replicas.<key>}
	 * meaning something else
	 * @param rule why it changes nothing
	 * @param fix what to write instead
	 */
	record IgnoredKey(String key, boolean perReplicaOnly, String rule, String fix) {

		boolean covers(ConfigurationPropertyName name) {
			ConfigurationPropertyName own = ConfigurationPropertyName.of(this.key);
			return own.equals(name) || own.isAncestorOf(name);
		}

	}

}
