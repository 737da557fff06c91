package dev.poolwise.tuning;

import java.time.Duration;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.poolwise.login.AuthFailures;
import dev.poolwise.pool.HikariValues;
import dev.poolwise.pool.PoolSettings;
import dev.poolwise.session.SessionSettings;
import dev.poolwise.sizing.WorkerCountSizing;
import dev.poolwise.tls.PoolTls;
import dev.poolwise.validation.SizeRules;
import dev.poolwise.validation.Violations;

/**
 * Turns one pool's settings, anything already bound from {@code spring.datasource.hikari} and the JDBC URL
 * into one validated {@link PoolTuning}, collecting every problem before failing so that one restart fixes
 * them all. Each job has a class of its own: {@link KeyPrecedence} (which key wins), {@link TimeRules}
 * (Hikari's silent replacements), {@link DriverProperties} (pgjdbc properties and URL conflicts),
 * {@link LoginSwitchProperties} (requireAuth, channelBinding, sslNegotiation),
 * {@link PgBouncerRules}, {@link CountRules}, {@link ObservabilityRules} and {@link AutosizeRules}. Needs no
 * Spring, no Hikari, no JDBC and no server.
 */
public final class PoolTuningResolver {

	private final PoolSettings settings;

	private final KeyPrecedence keys;

	private final @Nullable String defaultApplicationName;

	private final Violations violations = new Violations();

	/**
	 * @param settings the pool's settings
	 * @param keys which properties are set explicitly for this pool
	 * @param defaultApplicationName {@code spring.application.name}, or null
	 */
	public PoolTuningResolver(PoolSettings settings, PropertyKeys keys, @Nullable String defaultApplicationName) {
		this.settings = settings;
		this.keys = new KeyPrecedence(keys);
		this.defaultApplicationName = defaultApplicationName;
	}

	/**
	 * Resolves and validates the tuning of a pool without an SSL bundle.
	 * @param hikari the pool's configuration as Spring Boot bound it, not started
	 * @return the tuning
	 * @throws dev.poolwise.validation.PoolConfigurationException listing every problem
	 */
	public PoolTuning resolve(HikariValues hikari) {
		return resolve(hikari, null);
	}

	/**
	 * Resolves and validates the tuning of a pool.
	 * @param hikari the pool's configuration as Spring Boot bound it, not started
	 * @param tls the pool's TLS from an SSL bundle, or null
	 * @return the tuning
	 * @throws dev.poolwise.validation.PoolConfigurationException listing every problem
	 */
	public PoolTuning resolve(HikariValues hikari, @Nullable PoolTls tls) {
		PoolSettings p = this.settings;
		CountRules.check(p, this.keys, this.violations);
		ObservabilityRules.check(p.health(), p.monitor(), this.keys, this.violations);
		SslRules.check(p.ssl(), this.keys, this.violations);
		WorkerCountSizing.PoolSize derived = (p.workerCount() != null && p.workerCount() >= 1)
				? p.sizing().formula().size(p.workerCount()) : null;
		Tuned<Integer> size = this.keys.pick("size", p.size(), "minimum-idle", hikari.minimumIdle(),
				(derived != null) ? derived.min() : null);
		Integer derivedOverflow = (derived != null) ? Math.max(0, derived.max() - size.value()) : null;
		Tuned<Integer> overflow = this.keys.pick("overflow", p.overflow(), "maximum-pool-size",
				hikari.maximumPoolSize() - size.value(), derivedOverflow);
		int checkedOverflow = maximumBelowSize(size, overflow, hikari.maximumPoolSize()) ? 0 : overflow.value();
		SizeRules.check(this.keys.property(size, "size"), size.value(), this.keys.property(overflow, "overflow"),
				checkedOverflow, p.sizing().limit(), this.violations);
		Tuned<Duration> timeout = this.keys.pickDuration("timeout", p.timeout(), "connection-timeout",
				hikari.connectionTimeout());
		AutosizeRules.check(p.autosize(), overflow, timeout.value(), this.keys, this.violations);
		Tuned<Duration> recycle = this.keys.pickDuration("recycle", p.recycle(), "max-lifetime",
				hikari.maxLifetime());
		Tuned<Duration> idleTimeout = this.keys.pickDuration("idle-timeout", p.idleTimeout(), "idle-timeout",
				hikari.idleTimeout());
		Tuned<Duration> keepalive = this.keys.pickDuration("keepalive", p.keepalive(), "keepalive-time",
				hikari.keepaliveTime());
		TimeRules times = new TimeRules(this.keys, this.violations);
		if (!p.prePing()) {
			keepalive = times.withoutPrePing(keepalive);
		}
		Tuned<Duration> leak = this.keys.pickDuration("leak-detection-threshold", p.leakDetectionThreshold(),
				"leak-detection-threshold", hikari.leakDetectionThreshold());
		times.check(timeout, recycle, idleTimeout, keepalive, leak);
		PoolSettings.Session s = p.session();
		SessionSettings session = SessionSettings.of(this.keys.name("session"), s.statementTimeout(),
				s.lockTimeout(), s.idleInTransactionTimeout(), s.settings(), this.violations);
		Map<String, Tuned<String>> driver = new DriverProperties(this.keys, this.violations).resolve(p.driver(),
				this.defaultApplicationName, session, hikari.jdbcUrl(), hikari.dataSourceProperties(), tls,
				p.pgbouncer());
		AuthFailures auth = new LoginSwitchProperties(this.keys, this.violations).resolve(driver, p.auth(),
				p.ssl().negotiation(), hikari.jdbcUrl(), hikari.dataSourceProperties(), tls != null);
		if (p.pgbouncer().enabled()) {
			new PgBouncerRules(this.keys, this.violations).check(p.pgbouncer(), session, keepalive, recycle,
					idleTimeout);
		}
		this.violations.throwIfAny();
		return new PoolTuning(size, overflow, timeout, recycle, idleTimeout, keepalive, leak, session, driver,
				this.keys.overrides(), auth);
	}

	/**
	 * Hikari's maximum counts the permanent connections, Poolwise's overflow does not: a maximum below size
	 * is named as written, with the maximum it needs, not as the negative overflow it amounts to.
	 * @return whether it was reported
	 */
	private boolean maximumBelowSize(Tuned<Integer> size, Tuned<Integer> overflow, int maximum) {
		String hikariKey = KeyPrecedence.HIKARI + "maximum-pool-size";
		if (overflow.value() >= 0 || !overflow.source().equals(hikariKey)) {
			return false;
		}
		this.violations.add(hikariKey, maximum, "the maximum pool size is below size=" + size.value() + " ("
				+ describe(size, "size") + "), and Hikari's maximum counts the permanent connections too",
				"Set it to " + size.value() + " or more, or remove it and set " + this.keys.suggested("overflow")
						+ " (connections on top of size, 0 for a fixed-size pool) instead.");
		return true;
	}

	private String describe(Tuned<Integer> tuned, String key) {
		return switch (tuned.source()) {
			case Tuned.DEFAULT -> "the default of " + this.keys.suggested(key);
			case Tuned.WORKER_COUNT -> "derived from " + this.keys.suggested("worker-count");
			default -> tuned.source();
		};
	}

}
