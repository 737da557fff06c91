package dev.poolwise.tuning;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import dev.poolwise.pool.PoolSettings;
import dev.poolwise.session.SessionSetting;
import dev.poolwise.session.SessionSettings;
import dev.poolwise.validation.Durations;
import dev.poolwise.validation.Violations;

/**
 * What transaction pooling in PgBouncer rules out. A client's transactions run on whichever server
 * connection is free, so anything tied to a server session (settings, named prepared statements) leaks to
 * other clients or vanishes; and PgBouncer drops client connections idle longer than its
 * client_idle_timeout, which the pool only finds out when it lends one.
 */
final class PgBouncerRules {

	private final KeyPrecedence keys;

	private final Violations violations;

	PgBouncerRules(KeyPrecedence keys, Violations violations) {
		this.keys = keys;
		this.violations = violations;
	}

	void check(PoolSettings.Pgbouncer pgbouncer, SessionSettings session, Tuned<Duration> keepalive,
			Tuned<Duration> recycle, Tuned<Duration> idleTimeout) {
		for (SessionSetting setting : session.all()) {
			this.violations.add(setting.property(), setting.value(),
					"session settings cannot work through PgBouncer in transaction pooling: each transaction may "
							+ "run on another server connection, where the setting is missing or leaks to other clients",
					"Remove it and use ALTER ROLE <user> SET " + setting.name() + " = '" + setting.value()
							+ "' (every server connection of that role gets it) or SET LOCAL " + setting.name()
							+ " inside each transaction.");
		}
		checkClientIdleTimeout(pgbouncer.clientIdleTimeout(), keepalive, recycle, idleTimeout);
	}

	/**
	 * With pre-ping on, pinging idle connections more often keeps them alive. With pre-ping off nothing
	 * does, so every connection must be retired before it can sit idle that long: overflow ones by
	 * idle-timeout, and the permanent {@code size} ones, which idle-timeout never retires, by recycle.
	 */
	private void checkClientIdleTimeout(@Nullable Duration clientIdle, Tuned<Duration> keepalive,
			Tuned<Duration> recycle, Tuned<Duration> idleTimeout) {
		if (clientIdle == null || clientIdle.isZero()) {
			return;
		}
		String limit = Durations.format(clientIdle);
		String key = this.keys.name("pgbouncer.client-idle-timeout");
		if (!keepalive.value().isZero()) {
			if (keepalive.value().compareTo(clientIdle) >= 0) {
				this.violations.add(key, clientIdle,
						"PgBouncer closes client connections idle that long, but the pool pings idle connections "
								+ "only every " + Durations.format(keepalive.value()),
						"Set db.pool.keepalive below " + limit + " (and at least 30s), or raise client_idle_timeout.");
			}
			return;
		}
		String idle = "with pre-ping off nothing keeps idle connections alive, and PgBouncer closes any idle for "
				+ key + "=" + limit;
		String preping = "set db.pool.pre-ping=true with db.pool.keepalive below " + limit;
		if (recycle.value().isZero() || recycle.value().compareTo(clientIdle) >= 0) {
			this.violations.add(this.keys.property(recycle, "recycle"), recycle.value(), idle + "; recycle must "
					+ "retire every connection sooner, as idle-timeout never retires the permanent (size) ones",
					"Set it to at least 30s and below " + limit + ", or " + preping + ", or raise client_idle_timeout.");
		}
		if (idleTimeout.value().compareTo(clientIdle) >= 0) {
			this.violations.add(this.keys.property(idleTimeout, "idle-timeout"), idleTimeout.value(),
					idle + ", before idle-timeout retires the overflow connections",
					"Set it below " + limit + " and at least 1s below recycle, or " + preping + ".");
		}
	}

}
