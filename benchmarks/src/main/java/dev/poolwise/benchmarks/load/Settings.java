package dev.poolwise.benchmarks.load;

import java.nio.file.Path;
import java.time.Duration;

import org.springframework.boot.convert.DurationStyle;

/**
 * How long and how often to measure, and where to write, from the {@code -Dbench.*} properties the
 * benchmarks module's pom passes.
 * @param warmup warm-up of each reference trial (unpooled, pgbench)
 * @param measure measured window of each reference trial
 * @param repeats reference trials per variant and client count
 * @param rounds rounds of alternating bursts of the pooled variants per client count
 * @param burst measured window of each burst
 * @param startupRuns sample app starts with and without Poolwise each
 * @param output folder of the report and chart
 * @param sampleJar the packaged sample app
 * @param jmhResults the JMH text results of the same command
 * @param attribution whether to run only the attribution of the configuration's cost
 * @param batch whether to run only the batched-writes comparison
 * @param health whether to run only the endpoint latencies under a saturated pool and CPU
 * @param healthRounds rounds of the health latencies, each application once per round
 * @param virtualThreads whether to run only the comparison of HikariCP versions under virtual threads
 */
record Settings(Duration warmup, Duration measure, int repeats, int rounds, Duration burst, int startupRuns,
		Path output, Path sampleJar, Path jmhResults, boolean attribution, boolean batch,
		boolean health, int healthRounds, boolean virtualThreads) {

	static Settings fromSystemProperties() {
		return new Settings(duration("bench.warmup", "2s"), duration("bench.measure", "3s"),
				Integer.parseInt(System.getProperty("bench.repeats", "3")),
				Integer.parseInt(System.getProperty("bench.rounds", "8")), duration("bench.burst", "1s"),
				Integer.parseInt(System.getProperty("bench.startupRuns", "10")),
				Path.of(System.getProperty("bench.output", "results")),
				Path.of(System.getProperty("bench.sampleJar", "../sample-app/target/poolwise-sample-app.jar")),
				Path.of(System.getProperty("bench.jmhResults", "target/jmh-results.txt")),
				Boolean.parseBoolean(System.getProperty("bench.attribution", "false")),
				Boolean.parseBoolean(System.getProperty("bench.batch", "false")),
				Boolean.parseBoolean(System.getProperty("bench.health", "false")),
				Integer.parseInt(System.getProperty("bench.healthRounds", "6")),
				Boolean.parseBoolean(System.getProperty("bench.vt", "false")));
	}

	static Duration duration(String property, String fallback) {
		return DurationStyle.detectAndParse(System.getProperty(property, fallback));
	}

	String command() {
		return (Runtime.version().feature() >= 21 ? "JAVA_HOME=<JDK " + Runtime.version().feature() + "> " : "")
				+ "./mvnw -P benchmarks -DskipTests verify" + (this.batch ? " -Dbench.batch=true" : "")
				+ (this.health ? " -Dbench.health=true" : "")
				+ (this.virtualThreads ? " -Dbench.vt=true" : "");
	}

}
