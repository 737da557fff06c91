package dev.poolwise.tuning;

import java.time.Duration;

import dev.poolwise.validation.Durations;
import dev.poolwise.validation.Violations;

/**
 * The values Hikari would silently replace or disable (connectionTimeout below 250ms, maxLifetime below
 * 30s, keepaliveTime not below maxLifetime, ...), rejected with the rule and a fix instead.
 */
final class TimeRules {

	private final KeyPrecedence keys;

	private final Violations violations;

	TimeRules(KeyPrecedence keys, Violations violations) {
		this.keys = keys;
		this.violations = violations;
	}

	/**
	 * pre-ping=false turns keepalive off, so a keepalive set explicitly next to it would be dropped without
	 * a word: one of the two is a mistake, and only the user knows which.
	 * @return keepalive off, sourced from pre-ping
	 */
	Tuned<Duration> withoutPrePing(Tuned<Duration> keepalive) {
		String prePing = this.keys.name("pre-ping");
		if (!keepalive.source().equals(Tuned.DEFAULT) && !keepalive.value().isZero()) {
			this.violations.add(keepalive.source(), keepalive.value(), "it contradicts " + prePing
					+ "=false, which turns keepalive off (Hikari keepaliveTime=0)",
					"Remove " + keepalive.source() + ", or set " + prePing + "=true to keep idle connections alive.");
		}
		return new Tuned<>(Duration.ZERO, prePing);
	}

	void check(Tuned<Duration> timeout, Tuned<Duration> recycle, Tuned<Duration> idle, Tuned<Duration> keepalive,
			Tuned<Duration> leak) {
		Duration max = recycle.value();
		boolean limited = !max.isZero();
		if (timeout.value().toMillis() < 250) {
			this.violations.add(this.keys.property(timeout, "timeout"), timeout.value(),
					"must be at least 250ms; Hikari replaces smaller values and 0 would wait forever",
					"Set it to 250ms or more, e.g. 5s.");
		}
		if (max.isNegative() || (limited && max.compareTo(Duration.ofSeconds(30)) < 0)) {
			this.violations.add(this.keys.property(recycle, "recycle"), max,
					"must be 0 (no limit) or at least 30s; Hikari would silently use 30m instead",
					"Set it to 30s or more, e.g. 30m, and below any server or proxy connection lifetime.");
		}
		Duration k = keepalive.value();
		if (!k.isZero() && (k.compareTo(Duration.ofSeconds(30)) < 0 || (limited && k.compareTo(max) >= 0))) {
			this.violations.add(this.keys.property(keepalive, "keepalive"), k,
					"must be at least 30s and less than recycle (" + Durations.format(max)
							+ "); Hikari would silently disable it",
					"Set it between 30s and recycle, e.g. 2m, or set db.pool.pre-ping=false.");
		}
		Duration i = idle.value();
		if (!i.isZero() && (i.compareTo(Duration.ofSeconds(10)) < 0
				|| (limited && i.plusSeconds(1).compareTo(max) > 0))) {
			this.violations.add(this.keys.property(idle, "idle-timeout"), i,
					"must be at least 10s and at least 1s below recycle (" + Durations.format(max)
							+ "); Hikari would silently change it",
					"Set it between 10s and recycle - 1s, e.g. 10m, or 0 to keep overflow connections open.");
		}
		Duration l = leak.value();
		if (!l.isZero() && (l.compareTo(Duration.ofSeconds(2)) < 0 || (limited && l.compareTo(max) > 0))) {
			this.violations.add(this.keys.property(leak, "leak-detection-threshold"), l,
					"must be at least 2s and at most recycle (" + Durations.format(max)
							+ "); Hikari would silently disable it",
					"Set it between 2s and recycle, e.g. 30s, longer than your slowest legitimate transaction.");
		}
	}

}
