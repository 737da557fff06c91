package dev.poolwise.tuning;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.poolwise.pool.PoolSettings;
import dev.poolwise.validation.Violations;

/**
 * Rules on the autosize controller: it needs overflow to move in, its own keys must be in range, and they
 * mean nothing without its switch, so setting them alone is an error rather than a silent no-op.
 */
final class AutosizeRules {

	private static final Duration MIN_INTERVAL = Duration.ofMillis(100);

	private static final Duration MAX_INTERVAL = Duration.ofMinutes(1);

	private AutosizeRules() {
	}

	static void check(PoolSettings.Autosize autosize, Tuned<Integer> overflow, Duration timeout, KeyPrecedence keys,
			Violations violations) {
		String enabledKey = keys.suggested("autosize.enabled");
		if (!autosize.enabled()) {
			values(autosize).forEach((key, value) -> {
				String explicit = keys.explicit("autosize." + key);
				if (explicit != null) {
					violations.add(explicit, value, "is set but " + enabledKey + " is false, so nothing reads it",
							"Set " + enabledKey + "=true, or remove " + explicit + ".");
				}
			});
			return;
		}
		if (overflow.value() == 0) {
			violations.add(keys.property(overflow, "overflow"), 0,
					"autosize moves the pool maximum between size and size + overflow, and overflow 0 leaves it "
							+ "nothing to move",
					"Set overflow to the connections the pool may add under load (e.g. 10), or remove " + enabledKey
							+ ".");
		}
		if (autosize.interval().compareTo(MIN_INTERVAL) < 0 || autosize.interval().compareTo(MAX_INTERVAL) > 0) {
			violations.add(keys.name("autosize.interval"), autosize.interval(),
					"must be between 100ms and 1m: shorter measures noise, longer reacts after the load has passed",
					"Use 1s.");
		}
		if (autosize.step() < 1 || (overflow.value() > 0 && autosize.step() > overflow.value())) {
			violations.add(keys.name("autosize.step"), autosize.step(),
					"must be between 1 and overflow (" + overflow.value() + ")", "Use 2.");
		}
		if (!(autosize.minGain() > 0 && autosize.minGain() <= 1)) {
			violations.add(keys.name("autosize.min-gain"), autosize.minGain(),
					"must be above 0 and at most 1 (a share of the throughput one connection adds)", "Use 0.3.");
		}
		if (autosize.waitThreshold().isNegative() || autosize.waitThreshold().isZero()
				|| autosize.waitThreshold().compareTo(timeout) >= 0) {
			violations.add(keys.name("autosize.wait-threshold"), autosize.waitThreshold(),
					"must be above 0 and below timeout", "Use 2ms.");
		}
		if (autosize.shrinkDelay().compareTo(autosize.interval()) < 0) {
			violations.add(keys.name("autosize.shrink-delay"), autosize.shrinkDelay(),
					"must be at least autosize.interval, or every pause in the load shrinks the pool", "Use 30s.");
		}
		if (autosize.cooldown().isNegative()) {
			violations.add(keys.name("autosize.cooldown"), autosize.cooldown(), "cannot be negative", "Use 10s.");
		}
		if (autosize.pause().isNegative()) {
			violations.add(keys.name("autosize.pause"), autosize.pause(), "cannot be negative",
					"Use 5m, or 0 for a manual resize not to pause the controller.");
		}
	}

	private static Map<String, Object> values(PoolSettings.Autosize autosize) {
		Map<String, Object> values = new LinkedHashMap<>();
		values.put("interval", autosize.interval());
		values.put("step", autosize.step());
		values.put("min-gain", autosize.minGain());
		values.put("wait-threshold", autosize.waitThreshold());
		values.put("shrink-delay", autosize.shrinkDelay());
		values.put("cooldown", autosize.cooldown());
		values.put("pause", autosize.pause());
		return values;
	}

}
