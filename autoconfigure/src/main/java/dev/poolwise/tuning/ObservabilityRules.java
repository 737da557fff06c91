package dev.poolwise.tuning;

import java.time.Duration;

import dev.poolwise.pool.PoolSettings;
import dev.poolwise.validation.Violations;

/**
 * Rules on the health indicator's thresholds and the sampler's interval, checked with the pool so that a
 * bad threshold fails startup rather than the first health call.
 */
final class ObservabilityRules {

	private ObservabilityRules() {
	}

	static void check(PoolSettings.Health health, PoolSettings.Monitor monitor, KeyPrecedence keys,
			Violations violations) {
		double warn = health.warnUtilization();
		double critical = health.criticalUtilization();
		if (!(warn > 0 && warn <= critical && critical <= 1)) {
			violations.add(keys.name("health.warn-utilization/critical-utilization"), warn + "/" + critical,
					"must satisfy 0 < warn-utilization <= critical-utilization <= 1",
					"Use fractions of the pool maximum, e.g. 0.7 and 0.9.");
		}
		if (health.timeout().toMillis() < 10) {
			violations.add(keys.name("health.timeout"), health.timeout(), "must be at least 10ms",
					"Set it well below your health probe's own timeout, e.g. 1s.");
		}
		if (!health.maxAge().isZero() && (health.maxAge().compareTo(Duration.ofMillis(100)) < 0
				|| health.maxAge().compareTo(Duration.ofMinutes(1)) > 0)) {
			violations.add(keys.name("health.max-age"), health.maxAge(),
					"must be 0 or between 100ms and 1m: shorter refreshes load the server, longer ones hide an outage",
					"Use 1s, or 0 to probe the server on every health call.");
		}
		if (!health.saturatedStatus().matches("[A-Z_]+")) {
			violations.add(keys.name("health.saturated-status"), health.saturatedStatus(),
					"must be a health status code in capitals", "Use UP, OUT_OF_SERVICE or DOWN.");
		}
		if (monitor.interval().compareTo(Duration.ofSeconds(1)) < 0) {
			violations.add(keys.name("monitor.interval"), monitor.interval(),
					"must be at least 1s; sampling more often loads the server for no gain",
					"Set it to your scrape interval or longer, e.g. 15s.");
		}
	}

}
