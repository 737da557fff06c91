package dev.poolwise.tuning;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.poolwise.validation.Durations;
import dev.poolwise.validation.Violations;

/**
 * The values Hikari would silently replace or disable (connectionTimeout below 250ms, maxLifetime below
 * 30s, keepaliveTime not below maxLifetime, ...), rejected with the rule and a fix instead.
 */
final class TimeRules {

	private static final Duration TWO_SECONDS = Duration.ofSeconds(2);

	private static final Duration TEN_SECONDS = Duration.ofSeconds(10);

	private static final Duration THIRTY_SECONDS = Duration.ofSeconds(30);

	private static final Duration TWO_MINUTES = Duration.ofMinutes(2);

	private static final Duration TEN_MINUTES = Duration.ofMinutes(10);

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

	/**
	 * Checks each time against Hikari's rules. keepalive, idle-timeout and the leak threshold must also fit
	 * under recycle; when one of them is a default the user never set and the explicit recycle is what makes
	 * it wrong, the conflict is reported once, on recycle, naming the defaults that follow from it.
	 */
	void check(Tuned<Duration> timeout, Tuned<Duration> recycle, Tuned<Duration> idle, Tuned<Duration> keepalive,
			Tuned<Duration> leak) {
		Duration max = recycle.value();
		boolean limited = !max.isZero();
		if (timeout.value().toMillis() < 250) {
			this.violations.add(this.keys.property(timeout, "timeout"), timeout.value(),
					"must be at least 250ms; Hikari replaces smaller values and 0 would wait forever",
					"Set it to 250ms or more, e.g. 5s.");
		}
		List<String> followingDefaults = new ArrayList<>();
		Duration k = keepalive.value();
		if (!k.isZero() && k.compareTo(THIRTY_SECONDS) < 0) {
			this.violations.add(this.keys.property(keepalive, "keepalive"), k,
					"must be at least 30s; Hikari would silently disable it",
					"Set it to 30s or more and below recycle, e.g. " + example(THIRTY_SECONDS, max, TWO_MINUTES)
							+ ", or set db.pool.pre-ping=false.");
		}
		else if (!k.isZero() && limited && k.compareTo(max) >= 0) {
			fitUnderRecycle(keepalive, recycle, "keepalive", "be less than recycle", followingDefaults,
					"Set it between 30s and recycle (" + Durations.format(max) + ")"
							+ exampleOrNothing(THIRTY_SECONDS, max.minusSeconds(1), TWO_MINUTES)
							+ ", or set db.pool.pre-ping=false.");
		}
		Duration i = idle.value();
		if (!i.isZero() && i.compareTo(TEN_SECONDS) < 0) {
			this.violations.add(this.keys.property(idle, "idle-timeout"), i,
					"must be at least 10s; Hikari would silently change it",
					"Set it to 10s or more, e.g. " + example(TEN_SECONDS, max.minusSeconds(1), TEN_MINUTES)
							+ ", or 0 to keep overflow connections open.");
		}
		else if (!i.isZero() && limited && i.plusSeconds(1).compareTo(max) > 0) {
			fitUnderRecycle(idle, recycle, "idle-timeout", "be at least 1s below recycle", followingDefaults,
					"Set it between 10s and recycle - 1s"
							+ exampleOrNothing(TEN_SECONDS, max.minusSeconds(1), TEN_MINUTES)
							+ ", or 0 to keep overflow connections open.");
		}
		Duration l = leak.value();
		if (!l.isZero() && l.compareTo(TWO_SECONDS) < 0) {
			this.violations.add(this.keys.property(leak, "leak-detection-threshold"), l,
					"must be at least 2s; Hikari would silently disable it",
					"Set it to 2s or more, e.g. " + example(TWO_SECONDS, max, THIRTY_SECONDS)
							+ ", longer than your slowest legitimate transaction.");
		}
		else if (!l.isZero() && limited && l.compareTo(max) > 0) {
			fitUnderRecycle(leak, recycle, "leak-detection-threshold", "be at most recycle", followingDefaults,
					"Set it between 2s and recycle" + exampleOrNothing(TWO_SECONDS, max, THIRTY_SECONDS)
							+ ", longer than your slowest legitimate transaction.");
		}
		checkRecycle(recycle, followingDefaults);
	}

	/**
	 * A value that does not fit under recycle: its own error when the user set it, else a default that the
	 * explicit recycle's error names.
	 */
	private void fitUnderRecycle(Tuned<Duration> value, Tuned<Duration> recycle, String key, String rule,
			List<String> followingDefaults, String fix) {
		if (value.source().equals(Tuned.DEFAULT) && !recycle.source().equals(Tuned.DEFAULT)) {
			followingDefaults.add(key + " (default " + Durations.format(value.value()) + ") must " + rule);
			return;
		}
		this.violations.add(this.keys.property(value, key), value.value(), "must " + rule + " ("
				+ Durations.format(recycle.value()) + "); Hikari would silently " + (key.equals("idle-timeout")
						? "change it" : "disable it"), fix);
	}

	private void checkRecycle(Tuned<Duration> recycle, List<String> followingDefaults) {
		Duration max = recycle.value();
		String defaults = followingDefaults.isEmpty() ? ""
				: "; with it the defaults do not fit either: " + String.join(", ", followingDefaults);
		String setDefaults = followingDefaults.isEmpty() ? "" : ", or set those keys too";
		if (max.isNegative() || (!max.isZero() && max.compareTo(THIRTY_SECONDS) < 0)) {
			this.violations.add(this.keys.property(recycle, "recycle"), max,
					"must be 0 (no limit) or at least 30s; Hikari would silently use 30m instead" + defaults,
					"Set it to 30s or more, e.g. 30m, and below any server or proxy connection lifetime"
							+ setDefaults + ".");
		}
		else if (!followingDefaults.isEmpty()) {
			this.violations.add(this.keys.property(recycle, "recycle"), max,
					"the defaults that depend on it do not fit: " + String.join(", ", followingDefaults),
					"Raise it above them, e.g. 30m, or set those keys below it too.");
		}
	}

	/**
	 * A value to suggest in a fix that itself passes: the preferred one when it lies in range, else the
	 * bound closest to it.
	 */
	private static String example(Duration min, Duration maxInclusive, Duration preferred) {
		if (maxInclusive.isZero() || maxInclusive.isNegative() || preferred.compareTo(maxInclusive) <= 0) {
			return Durations.format(preferred.compareTo(min) < 0 ? min : preferred);
		}
		return Durations.format(maxInclusive.compareTo(min) < 0 ? min : maxInclusive);
	}

	private static String exampleOrNothing(Duration min, Duration maxInclusive, Duration preferred) {
		return (maxInclusive.compareTo(min) < 0) ? "" : ", e.g. " + example(min, maxInclusive, preferred);
	}

}
