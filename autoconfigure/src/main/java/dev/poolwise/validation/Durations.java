package dev.poolwise.validation;

import java.time.Duration;

/**
 * Durations as people write them in YAML, for messages and log lines.
 */
public final class Durations {

	private Durations() {
	}

	/**
	 * Formats a duration in its largest whole unit.
	 * @param duration the duration
	 * @return e.g. {@code 30s}, {@code 10m}, {@code 250ms}, or {@code off} for zero
	 */
	public static String format(Duration duration) {
		if (duration.isZero()) {
			return "off";
		}
		long millis = duration.toMillis();
		if (millis % 3_600_000 == 0) {
			return (millis / 3_600_000) + "h";
		}
		if (millis % 60_000 == 0) {
			return (millis / 60_000) + "m";
		}
		if (millis % 1000 == 0) {
			return (millis / 1000) + "s";
		}
		return millis + "ms";
	}

}
