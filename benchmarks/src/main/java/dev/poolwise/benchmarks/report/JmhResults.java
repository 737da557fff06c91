package dev.poolwise.benchmarks.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JMH run that precedes the load harness in the same command, read back for the report: its text
 * table verbatim, and the mean new-connection times (sample mode: thousands of single
 * operations, a tighter error than the few average-time iterations) with and without session settings.
 */
public final class JmhResults {

	private static final Pattern NEW_CONNECTION = Pattern
		.compile("^NewConnectionBenchmark\\.openAndClose(?:\\s+N/A)?\\s+(\\d+)\\s+sample\\s+\\d+\\s+([0-9.]+)",
				Pattern.MULTILINE);

	private final String text;

	private JmhResults(String text) {
		this.text = text;
	}

	public static JmhResults read(Path file) throws IOException {
		return new JmhResults(Files.isRegularFile(file) ? Files.readString(file) : "");
	}

	public String text() {
		return this.text;
	}

	/**
	 * @return mean milliseconds, over every sampled operation, to open, validate and close a connection, by number of session settings
	 */
	public Map<Integer, Double> newConnectionMillis() {
		Map<Integer, Double> millis = new LinkedHashMap<>();
		Matcher matcher = NEW_CONNECTION.matcher(this.text);
		while (matcher.find()) {
			millis.put(Integer.parseInt(matcher.group(1)), Double.parseDouble(matcher.group(2)));
		}
		return millis;
	}

}
