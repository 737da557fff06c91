package dev.poolwise.session;

import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * One row of {@code pg_settings}: what the server accepts for a setting, so a refused value can be answered
 * with its type, unit and range and a value the server takes.
 *
 * @param name the setting's name as the server spells it
 * @param context who may change it ({@code user}, {@code superuser}, {@code postmaster}, ...)
 * @param type {@code bool}, {@code integer}, {@code real}, {@code enum} or {@code string}
 * @param unit the unit of numbers written without one ({@code kB}, {@code 8kB}, {@code ms}, {@code s}), or null
 * @param min the least value, in that unit, or null
 * @param max the greatest value, in that unit, or null
 * @param choices an enum's values, comma-separated, or null
 * @param current the current value, in that unit
 */
record ServerSetting(String name, String context, String type, @Nullable String unit, @Nullable String min,
		@Nullable String max, @Nullable String choices, @Nullable String current) {

	private static final Set<String> MEMORY = Set.of("B", "kB", "MB", "8kB", "16MB");

	private static final Set<String> TIME = Set.of("us", "ms", "s", "min");

	/**
	 * What the server takes, in one sentence with an example.
	 * @return e.g. {@code work_mem takes an integer from 64 to 2147483647 kB, or with a unit (B, kB, MB, GB,
	 * TB); write e.g. 4096kB (its current value).}
	 */
	String describeAccepted() {
		String example = (this.current == null || this.current.isEmpty()) ? ""
				: " Write e.g. " + example() + " (its current value).";
		return switch (this.type) {
			case "bool" -> this.name + " takes on or off." + example;
			case "enum" -> this.name + " takes one of: " + this.choices + "." + example;
			case "integer", "real" -> this.name + " takes " + (this.type.equals("integer") ? "an integer" : "a number")
					+ " from " + this.min + " to " + this.max + ((this.unit != null) ? " " + this.unit : "")
					+ units() + "." + example;
			default -> "Write a value the server accepts for " + this.name + "." + example;
		};
	}

	private String units() {
		if (this.unit == null) {
			return "";
		}
		if (MEMORY.contains(this.unit)) {
			return ", or with a unit (B, kB, MB, GB, TB)";
		}
		return TIME.contains(this.unit) ? ", or with a unit (us, ms, s, min, h, d)" : "";
	}

	/**
	 * The current value with its unit where the server would read it back the same way; a unit such as
	 * {@code 8kB} is a multiplier, so such a number is written bare.
	 */
	private String example() {
		boolean plainUnit = this.unit != null && !Character.isDigit(this.unit.charAt(0));
		return this.current + (plainUnit ? this.unit : "");
	}

}
