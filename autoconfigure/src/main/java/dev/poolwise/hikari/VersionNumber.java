package dev.poolwise.hikari;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * The numeric part of a library version, compared number by number, so that 7.10.0 is after 7.9.0 and 7.1 is
 * 7.1.0. A qualifier ({@code -SNAPSHOT}, {@code -RC1}) is ignored: a pre-release of a version is taken to have
 * that version's fixes.
 *
 * @param numbers the dot-separated numbers, most significant first
 */
public record VersionNumber(List<Integer> numbers) implements Comparable<VersionNumber> {

	private static final Pattern NUMERIC_PREFIX = Pattern.compile("^(\\d+(?:\\.\\d+)*)");

	/**
	 * Reads a version such as {@code 7.0.2} or {@code 7.1.0-SNAPSHOT}.
	 * @param version the version text
	 * @return the version, or {@code null} when it does not start with a number
	 */
	public static @Nullable VersionNumber parse(@Nullable String version) {
		if (version == null) {
			return null;
		}
		Matcher matcher = NUMERIC_PREFIX.matcher(version.trim());
		if (!matcher.find()) {
			return null;
		}
		List<Integer> numbers = new ArrayList<>();
		for (String number : matcher.group(1).split("\\.")) {
			try {
				numbers.add(Integer.parseInt(number));
			}
			catch (NumberFormatException ex) {
				return null;
			}
		}
		return new VersionNumber(List.copyOf(numbers));
	}

	/**
	 * Whether this version is older than another.
	 * @param other the version to compare with
	 * @return {@code true} if this one comes first
	 */
	public boolean isBefore(VersionNumber other) {
		return compareTo(other) < 0;
	}

	@Override
	public int compareTo(VersionNumber other) {
		for (int i = 0; i < Math.max(this.numbers.size(), other.numbers.size()); i++) {
			int difference = Integer.compare(number(i), other.number(i));
			if (difference != 0) {
				return difference;
			}
		}
		return 0;
	}

	private int number(int index) {
		return (index < this.numbers.size()) ? this.numbers.get(index) : 0;
	}

	@Override
	public String toString() {
		return String.join(".", this.numbers.stream().map(String::valueOf).toList());
	}

}
