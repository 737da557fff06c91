package dev.poolwise.sample;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One scrape of {@code /actuator/prometheus}, read one sample at a time by metric name and pool label.
 */
final class PrometheusScrape {

	private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})? (\\S+)");

	private final String text;

	PrometheusScrape(String text) {
		this.text = text;
	}

	/**
	 * The value of one sample.
	 * @param name the metric name as exported, e.g. {@code hikaricp_connections_active}
	 * @param pool the value of its {@code pool} label
	 * @return the value, or empty if the scrape has no such sample
	 */
	Optional<Double> value(String name, String pool) {
		String label = "pool=\"" + pool + "\"";
		for (String line : this.text.split("\n")) {
			Matcher sample = SAMPLE.matcher(line);
			if (sample.matches() && sample.group(1).equals(name) && sample.group(2) != null
					&& sample.group(2).contains(label)) {
				return Optional.of(Double.parseDouble(sample.group(3)));
			}
		}
		return Optional.empty();
	}

	/**
	 * The whole scrape.
	 * @return the exposition text
	 */
	String text() {
		return this.text;
	}

}
