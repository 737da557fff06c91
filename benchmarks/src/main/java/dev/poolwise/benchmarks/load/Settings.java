package dev.poolwise.benchmarks.load;

import java.nio.file.Path;
import java.time.Duration;

import org.springframework.boot.convert.DurationStyle;

/**
 * How long and how often to measure, and where to write, from the {@code -Dbench.*} properties the
 * benchmarks module's pom passes.
 * @param warmup warm-up of each trial
 * @param measure measured window of each trial
 * @param repeats trials per variant and client count
 * @param startupRuns sample app starts with and without Poolwise each
 * @param output folder of the report and chart
 * @param sampleJar the packaged sample app
 * @param jmhResults the JMH text results of the same command
 */
record Settings(Duration warmup, Duration measure, int repeats, int startupRuns, Path output, Path sampleJar,
		Path jmhResults) {

	static Settings fromSystemProperties() {
		return new Settings(duration("bench.warmup", "2s"), duration("bench.measure", "3s"),
				Integer.parseInt(System.getProperty("bench.repeats", "3")),
				Integer.parseInt(System.getProperty("bench.startupRuns", "4")),
				Path.of(System.getProperty("bench.output", "results")),
				Path.of(System.getProperty("bench.sampleJar", "../sample-app/target/poolwise-sample-app.jar")),
				Path.of(System.getProperty("bench.jmhResults", "target/jmh-results.txt")));
	}

	private static Duration duration(String property, String fallback) {
		return DurationStyle.detectAndParse(System.getProperty(property, fallback));
	}

	String command() {
		return (Runtime.version().feature() >= 21 ? "JAVA_HOME=<JDK " + Runtime.version().feature() + "> " : "")
				+ "./mvnw -P benchmarks -DskipTests verify";
	}

}
