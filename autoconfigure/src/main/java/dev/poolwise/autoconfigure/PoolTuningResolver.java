package dev.poolwise.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.zaxxer.hikari.HikariDataSource;

import dev.poolwise.net.TcpKeepaliveSocketFactory;
import dev.poolwise.session.SessionSetting;
import dev.poolwise.session.SessionSettings;
import dev.poolwise.sizing.WorkerCountSizing;
import dev.poolwise.validation.Durations;
import dev.poolwise.validation.SizeRules;
import dev.poolwise.validation.Violations;

/**
 * Turns {@code db.pool} properties, anything already bound from {@code spring.datasource.hikari} and the
 * JDBC URL into one validated {@link PoolTuning}. Precedence for each number: an explicit {@code db.pool}
 * key, then an explicit {@code spring.datasource.hikari} key, then worker-count sizing, then the default.
 * Every value Hikari would silently replace is rejected here instead.
 */
final class PoolTuningResolver {

	private static final String PREFIX = "db.pool.";

	private static final String HIKARI = "spring.datasource.hikari.";

	private final PoolwiseProperties properties;

	private final PropertyKeys keys;

	private final String defaultApplicationName;

	private final Violations violations = new Violations();

	private final List<String> overrides = new ArrayList<>();

	/**
	 * @param properties bound {@code db.pool} properties
	 * @param keys which properties are set explicitly for this pool
	 * @param defaultApplicationName {@code spring.application.name}, or null
	 */
	PoolTuningResolver(PoolwiseProperties properties, PropertyKeys keys, String defaultApplicationName) {
		this.properties = properties;
		this.keys = keys;
		this.defaultApplicationName = defaultApplicationName;
	}

	/**
	 * Resolves and validates the tuning of the given pool.
	 * @param dataSource Boot's pool, bound but not started
	 * @return the tuning
	 * @throws dev.poolwise.validation.PoolConfigurationException listing every problem
	 */
	PoolTuning resolve(HikariDataSource dataSource) {
		PoolwiseProperties p = this.properties;
		checkCounts(p);
		checkObservability(p);
		WorkerCountSizing.PoolSize derived = (p.getWorkerCount() != null && p.getWorkerCount() >= 1)
				? sizing(p.getSizing()).size(p.getWorkerCount()) : null;
		Tuned<Integer> size = pick("size", p.getSize(), "minimum-idle", dataSource.getMinimumIdle(),
				(derived != null) ? derived.min() : null);
		Integer derivedOverflow = (derived != null) ? Math.max(0, derived.max() - size.value()) : null;
		Tuned<Integer> overflow = pick("overflow", p.getOverflow(), "maximum-pool-size",
				dataSource.getMaximumPoolSize() - size.value(), derivedOverflow);
		checkSize(size, overflow, p.getSizing().getLimit());
		Tuned<Duration> timeout = pickDuration("timeout", p.getTimeout(), "connection-timeout",
				dataSource.getConnectionTimeout());
		Tuned<Duration> recycle = pickDuration("recycle", p.getRecycle(), "max-lifetime", dataSource.getMaxLifetime());
		Tuned<Duration> idleTimeout = pickDuration("idle-timeout", p.getIdleTimeout(), "idle-timeout",
				dataSource.getIdleTimeout());
		Tuned<Duration> keepalive = pickDuration("keepalive", p.getKeepalive(), "keepalive-time",
				dataSource.getKeepaliveTime());
		if (!p.isPrePing()) {
			keepalive = withoutPrePing(keepalive);
		}
		Tuned<Duration> leak = pickDuration("leak-detection-threshold", p.getLeakDetectionThreshold(),
				"leak-detection-threshold", dataSource.getLeakDetectionThreshold());
		checkTimes(timeout, recycle, idleTimeout, keepalive, leak);
		PoolwiseProperties.Session s = p.getSession();
		SessionSettings session = SessionSettings.of(name("session"), s.getStatementTimeout(), s.getLockTimeout(),
				s.getIdleInTransactionTimeout(), s.getSettings(), this.violations);
		Map<String, Tuned<String>> driver = driverProperties(dataSource, session);
		if (p.getPgbouncer().isEnabled()) {
			checkPgbouncer(p, session, driver);
			checkClientIdleTimeout(p.getPgbouncer().getClientIdleTimeout(), keepalive, recycle, idleTimeout);
		}
		this.violations.throwIfAny();
		return new PoolTuning(size, overflow, timeout, recycle, idleTimeout, keepalive, leak, session, driver,
				List.copyOf(this.overrides));
	}

	/**
	 * In transaction pooling a client's transactions run on whichever server connection is free, so
	 * anything tied to a server session (settings, named prepared statements) leaks to other clients or
	 * vanishes.
	 */
	private void checkPgbouncer(PoolwiseProperties p, SessionSettings session, Map<String, Tuned<String>> driver) {
		for (SessionSetting setting : session.all()) {
			this.violations.add(setting.property(), setting.value(),
					"session settings cannot work through PgBouncer in transaction pooling: each transaction may "
							+ "run on another server connection, where the setting is missing or leaks to other clients",
					"Remove it and use ALTER ROLE <user> SET " + setting.name() + " = '" + setting.value()
							+ "' (every server connection of that role gets it) or SET LOCAL " + setting.name()
							+ " inside each transaction.");
		}
		if (!p.getPgbouncer().isPreparedStatements()) {
			driver.put("prepareThreshold", new Tuned<>("0", name("pgbouncer.prepared-statements")));
		}
	}

	/**
	 * PgBouncer drops client connections idle longer than its client_idle_timeout, and the pool only finds
	 * out when it lends one. With pre-ping on, pinging idle connections more often keeps them alive. With
	 * pre-ping off nothing does, so every connection must be retired before it can sit idle that long:
	 * overflow ones by idle-timeout, and the permanent {@code size} ones, which idle-timeout never
	 * retires, by recycle.
	 */
	private void checkClientIdleTimeout(Duration clientIdle, Tuned<Duration> keepalive, Tuned<Duration> recycle,
			Tuned<Duration> idleTimeout) {
		if (clientIdle == null || clientIdle.isZero()) {
			return;
		}
		String limit = Durations.format(clientIdle);
		if (!keepalive.value().isZero()) {
			if (keepalive.value().compareTo(clientIdle) >= 0) {
				this.violations.add(name("pgbouncer.client-idle-timeout"), clientIdle,
						"PgBouncer closes client connections idle that long, but the pool pings idle connections "
								+ "only every " + Durations.format(keepalive.value()),
						"Set db.pool.keepalive below " + limit + " (and at least 30s), or raise client_idle_timeout.");
			}
			return;
		}
		String idle = "with pre-ping off nothing keeps idle connections alive, and PgBouncer closes any idle for "
				+ name("pgbouncer.client-idle-timeout") + "=" + limit;
		String preping = "set db.pool.pre-ping=true with db.pool.keepalive below " + limit;
		if (recycle.value().isZero() || recycle.value().compareTo(clientIdle) >= 0) {
			this.violations.add(property(recycle, "recycle"), recycle.value(), idle + "; recycle must retire "
					+ "every connection sooner, as idle-timeout never retires the permanent (size) ones",
					"Set it to at least 30s and below " + limit + ", or " + preping
							+ ", or raise client_idle_timeout.");
		}
		if (idleTimeout.value().compareTo(clientIdle) >= 0) {
			this.violations.add(property(idleTimeout, "idle-timeout"), idleTimeout.value(),
					idle + ", before idle-timeout retires the overflow connections",
					"Set it below " + limit + " and at least 1s below recycle, or " + preping + ".");
		}
	}

	/**
	 * pre-ping=false turns keepalive off, so a keepalive set explicitly next to it would be dropped without
	 * a word: one of the two is a mistake, and only the user knows which.
	 */
	private Tuned<Duration> withoutPrePing(Tuned<Duration> keepalive) {
		String prePing = name("pre-ping");
		if (!keepalive.source().equals(Tuned.DEFAULT) && !keepalive.value().isZero()) {
			this.violations.add(keepalive.source(), keepalive.value(), "it contradicts " + prePing
					+ "=false, which turns keepalive off (Hikari keepaliveTime=0)",
					"Remove " + keepalive.source() + ", or set " + prePing + "=true to keep idle connections alive.");
		}
		return new Tuned<>(Duration.ZERO, prePing);
	}

	private static WorkerCountSizing sizing(PoolwiseProperties.Sizing s) {
		return new WorkerCountSizing(s.getMinRatio(), s.getMaxRatio(), s.getMinFloor(), s.getMinCeiling(),
				s.getMaxFloor(), s.getMaxCeiling());
	}

	private <T> Tuned<T> pick(String key, T ownValue, String hikariKey, T hikariValue, T derivedValue) {
		String own = this.keys.explicit(key);
		boolean hikari = this.keys.isHikariSet(hikariKey);
		if (own != null) {
			if (hikari) {
				this.overrides.add(own + " overrides " + HIKARI + hikariKey);
			}
			return new Tuned<>(ownValue, own);
		}
		if (hikari) {
			return new Tuned<>(hikariValue, HIKARI + hikariKey);
		}
		if (derivedValue != null) {
			return new Tuned<>(derivedValue, Tuned.WORKER_COUNT);
		}
		return new Tuned<>(ownValue, Tuned.DEFAULT);
	}

	private Tuned<Duration> pickDuration(String key, Duration ownValue, String hikariKey, long hikariMillis) {
		Duration own = (ownValue != null) ? ownValue : Duration.ZERO;
		Tuned<Duration> picked = pick(key, own, hikariKey, Duration.ofMillis(hikariMillis), null);
		return (picked.source().equals(Tuned.DEFAULT)) ? new Tuned<>(own, Tuned.DEFAULT) : picked;
	}

	private void checkCounts(PoolwiseProperties p) {
		Integer workers = p.getWorkerCount();
		if (workers != null && workers < 1) {
			this.violations.add(name("worker-count"), workers, "must be at least 1",
					"Set db.pool.worker-count to the number of threads that use the database, or remove it.");
		}
		if (p.getInstances() < 1) {
			this.violations.add(name("instances"), p.getInstances(), "must be at least 1",
					"Set db.pool.instances to the number of application replicas sharing the database.");
		}
		PoolwiseProperties.Sizing s = p.getSizing();
		if (s.getMinRatio() <= 0 || s.getMaxRatio() < s.getMinRatio()) {
			this.violations.add(name("sizing.min-ratio/max-ratio"), s.getMinRatio() + "/" + s.getMaxRatio(),
					"ratios must be positive with min-ratio <= max-ratio", "Use e.g. min-ratio 0.1 and max-ratio 0.5.");
		}
		if (s.getMinFloor() < 1 || s.getMinFloor() > s.getMinCeiling() || s.getMaxFloor() > s.getMaxCeiling()
				|| s.getMinCeiling() > s.getMaxCeiling()) {
			this.violations.add(name("sizing.*-floor/*-ceiling"),
					s.getMinFloor() + "," + s.getMinCeiling() + "," + s.getMaxFloor() + "," + s.getMaxCeiling(),
					"floors must be at least 1, each floor at most its ceiling, and min-ceiling at most max-ceiling",
					"Use e.g. min-floor 2, min-ceiling 5, max-floor 10, max-ceiling 20.");
		}
	}

	private void checkObservability(PoolwiseProperties p) {
		PoolwiseProperties.Health health = p.getHealth();
		double warn = health.getWarnUtilization();
		double critical = health.getCriticalUtilization();
		if (!(warn > 0 && warn <= critical && critical <= 1)) {
			this.violations.add(name("health.warn-utilization/critical-utilization"), warn + "/" + critical,
					"must satisfy 0 < warn-utilization <= critical-utilization <= 1",
					"Use fractions of the pool maximum, e.g. 0.7 and 0.9.");
		}
		if (health.getTimeout().toMillis() < 10) {
			this.violations.add(name("health.timeout"), health.getTimeout(), "must be at least 10ms",
					"Set it well below your health probe's own timeout, e.g. 1s.");
		}
		if (!health.getSaturatedStatus().matches("[A-Z_]+")) {
			this.violations.add(name("health.saturated-status"), health.getSaturatedStatus(),
					"must be a health status code in capitals", "Use UP, OUT_OF_SERVICE or DOWN.");
		}
		if (p.getMonitor().getInterval().compareTo(Duration.ofSeconds(1)) < 0) {
			this.violations.add(name("monitor.interval"), p.getMonitor().getInterval(),
					"must be at least 1s; sampling more often loads the server for no gain",
					"Set it to your scrape interval or longer, e.g. 15s.");
		}
	}

	private void checkSize(Tuned<Integer> size, Tuned<Integer> overflow, int limit) {
		SizeRules.check(property(size, "size"), size.value(), property(overflow, "overflow"), overflow.value(), limit,
				this.violations);
	}

	private void checkTimes(Tuned<Duration> timeout, Tuned<Duration> recycle, Tuned<Duration> idle,
			Tuned<Duration> keepalive, Tuned<Duration> leak) {
		Duration max = recycle.value();
		boolean limited = !max.isZero();
		if (timeout.value().toMillis() < 250) {
			this.violations.add(property(timeout, "timeout"), timeout.value(),
					"must be at least 250ms; Hikari replaces smaller values and 0 would wait forever",
					"Set it to 250ms or more, e.g. 5s.");
		}
		if (max.isNegative() || (limited && max.compareTo(Duration.ofSeconds(30)) < 0)) {
			this.violations.add(property(recycle, "recycle"), max,
					"must be 0 (no limit) or at least 30s; Hikari would silently use 30m instead",
					"Set it to 30s or more, e.g. 30m, and below any server or proxy connection lifetime.");
		}
		Duration k = keepalive.value();
		if (!k.isZero() && (k.compareTo(Duration.ofSeconds(30)) < 0 || (limited && k.compareTo(max) >= 0))) {
			this.violations.add(property(keepalive, "keepalive"), k,
					"must be at least 30s and less than recycle (" + Durations.format(max) + "); Hikari would silently disable it",
					"Set it between 30s and recycle, e.g. 2m, or set db.pool.pre-ping=false.");
		}
		Duration i = idle.value();
		if (!i.isZero() && (i.compareTo(Duration.ofSeconds(10)) < 0
				|| (limited && i.plusSeconds(1).compareTo(max) > 0))) {
			this.violations.add(property(idle, "idle-timeout"), i,
					"must be at least 10s and at least 1s below recycle (" + Durations.format(max)
							+ "); Hikari would silently change it",
					"Set it between 10s and recycle - 1s, e.g. 10m, or 0 to keep overflow connections open.");
		}
		Duration l = leak.value();
		if (!l.isZero() && (l.compareTo(Duration.ofSeconds(2)) < 0 || (limited && l.compareTo(max) > 0))) {
			this.violations.add(property(leak, "leak-detection-threshold"), l,
					"must be at least 2s and at most recycle (" + Durations.format(max) + "); Hikari would silently disable it",
					"Set it between 2s and recycle, e.g. 30s, longer than your slowest legitimate transaction.");
		}
	}

	private Map<String, Tuned<String>> driverProperties(HikariDataSource dataSource, SessionSettings session) {
		PoolwiseProperties p = this.properties;
		Map<String, Tuned<String>> driver = new LinkedHashMap<>();
		driver.put("connectTimeout", seconds("connect-timeout", p.getConnectTimeout(), 1));
		driver.put("loginTimeout", seconds("login-timeout", p.getLoginTimeout(), 1));
		if (p.getSocketTimeout() != null) {
			driver.put("socketTimeout", seconds("socket-timeout", p.getSocketTimeout(), 0));
		}
		PoolwiseProperties.TcpKeepalive keepalive = p.getTcpKeepalive();
		if (keepalive.isEnabled()) {
			String idle = seconds("tcp-keepalive.idle", keepalive.getIdle(), 1).value();
			String interval = seconds("tcp-keepalive.interval", keepalive.getInterval(), 1).value();
			if (keepalive.getCount() < 1) {
				this.violations.add(name("tcp-keepalive.count"), keepalive.getCount(), "must be at least 1",
						"Set it to the unanswered probes after which a connection is dead, e.g. 6.");
			}
			String source = own("tcp-keepalive.enabled");
			driver.put("tcpKeepAlive", new Tuned<>("true", source));
			driver.put("socketFactory", new Tuned<>(TcpKeepaliveSocketFactory.class.getName(), source));
			driver.put("socketFactoryArg", new Tuned<>(
					TcpKeepaliveSocketFactory.argument(Long.parseLong(idle), Long.parseLong(interval),
							keepalive.getCount()),
					own("tcp-keepalive.idle")));
		}
		String applicationName = (p.getApplicationName() != null) ? p.getApplicationName()
				: this.defaultApplicationName;
		if (applicationName != null) {
			driver.put("ApplicationName", new Tuned<>(applicationName,
					(p.getApplicationName() != null) ? name("application-name") : "spring.application.name"));
		}
		driver.put("reWriteBatchedInserts",
				new Tuned<>(Boolean.toString(p.isRewriteBatchedInserts()), own("rewrite-batched-inserts")));
		if (!session.isEmpty()) {
			driver.put("options", new Tuned<>(session.toStartupOptions(), name("session")));
		}
		checkUrlConflicts(dataSource, driver);
		return driver;
	}

	private String own(String key) {
		String explicit = this.keys.explicit(key);
		return (explicit != null) ? explicit : Tuned.DEFAULT;
	}

	private Tuned<String> seconds(String key, Duration value, int minimum) {
		long millis = value.toMillis();
		if (millis % 1000 != 0 || millis < minimum * 1000L) {
			this.violations.add(name(key), value, "pgjdbc takes whole seconds"
					+ ((minimum > 0) ? " and 0 would wait forever" : ""), "Set it to a whole number of seconds"
							+ ((minimum > 0) ? " of at least " + minimum + "s" : "") + ", e.g. 10s.");
		}
		return new Tuned<>(Long.toString(millis / 1000), own(key));
	}

	/**
	 * pgjdbc lets URL parameters win over properties, so a db.pool value that the URL also sets would be
	 * ignored without a word; an explicit conflict is an error and a default simply yields to the URL.
	 */
	private void checkUrlConflicts(HikariDataSource dataSource, Map<String, Tuned<String>> driver) {
		Set<String> urlKeys = JdbcUrls.parameterNames(dataSource.getJdbcUrl());
		for (String name : Set.copyOf(driver.keySet())) {
			boolean inUrl = urlKeys.contains(name);
			boolean inHikari = dataSource.getDataSourceProperties().containsKey(name);
			Tuned<String> ours = driver.get(name);
			if (inUrl && !ours.source().equals(Tuned.DEFAULT)) {
				this.violations.add("spring.datasource.url", JdbcUrls.mask(dataSource.getJdbcUrl()),
						"it sets " + name + ", which pgjdbc lets win over " + ours.source(),
						"Remove " + name + " from the URL and keep " + ours.source() + ", or remove "
								+ ours.source() + ".");
			}
			else if (inUrl) {
				driver.remove(name);
			}
			else if (inHikari && !ours.source().equals(Tuned.DEFAULT)) {
				this.overrides.add(ours.source() + " overrides " + HIKARI + "data-source-properties." + name);
			}
			else if (inHikari) {
				driver.remove(name);
			}
		}
		if (!driver.containsKey("socketFactory")) {
			driver.remove("socketFactoryArg");
		}
	}

	private String name(String key) {
		String explicit = this.keys.explicit(key);
		return (explicit != null) ? explicit : PREFIX + key;
	}

	private String property(Tuned<?> tuned, String key) {
		return tuned.source().startsWith(HIKARI) ? tuned.source() : name(key);
	}

}
