package dev.poolwise.benchmarks.harness;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

import org.springframework.boot.convert.DurationStyle;

/**
 * Everything a run can be told, read once from the {@code -Dbench.*} system properties with their defaults
 * here and nowhere else, and handed to the study of the chosen mode. An unset or empty property (the pom
 * passes empty ones for what the command line left out) takes the default.
 * @param mode which study runs ({@code bench.mode})
 * @param warmup warm-up of each reference trial (unpooled, pgbench)
 * @param measure measured window of each reference trial
 * @param repeats reference trials per variant and client count
 * @param rounds rounds of alternating bursts of the pooled variants per client count
 * @param burst measured window of each burst
 * @param startupRuns sample app starts with and without Poolwise each
 * @param output folder of the reports and chart
 * @param sampleJar the packaged sample app
 * @param jmhResults the JMH text results of the same command
 * @param batchRounds measured rounds of the batched writes
 * @param batchDrivers whether the batched writes add an application with a larger pgjdbc statement cache
 * and a read workload of 300 distinct statements
 * @param healthRounds rounds of the health latencies, each application once per round
 * @param vtRounds rounds of the virtual-thread comparison, each client JVM once per round
 * @param vtBurst measured window of each burst of the virtual-thread comparison
 * @param hikariJars folders with one HikariCP jar each, one client JVM per folder
 * @param soakDuration how long the fault soak injects faults per seed
 * @param soakSeeds the fault soak's seeds, one run each; empty draws one at random
 * @param autosizeScale factor on every phase of the autosizing workloads
 * @param autosizeOnly which autosizing workloads run: {@code all}, {@code fleet} (workload 4 alone) or
 * {@code cpu} (workload 3 alone, with its knee sweep)
 */
public record Settings(Mode mode, Duration warmup, Duration measure, int repeats, int rounds, Duration burst,
		int startupRuns, Path output, Path sampleJar, Path jmhResults, int batchRounds, boolean batchDrivers,
		int healthRounds, int vtRounds, Duration vtBurst, List<Path> hikariJars, Duration soakDuration,
		List<Long> soakSeeds, double autosizeScale, String autosizeOnly) {

	/** The property that chooses the mode. */
	public static final String MODE = "bench.mode";

	public static Settings fromSystemProperties() {
		return new Settings(read(MODE, "full", Mode::of), read("bench.warmup", "2s", DurationStyle::detectAndParse),
				read("bench.measure", "3s", DurationStyle::detectAndParse), read("bench.repeats", "3", Integer::parseInt),
				read("bench.rounds", "8", Integer::parseInt), read("bench.burst", "1s", DurationStyle::detectAndParse),
				read("bench.startupRuns", "10", Integer::parseInt), read("bench.output", "results", Path::of),
				read("bench.sampleJar", "../sample-app/target/poolwise-sample-app.jar", Path::of),
				read("bench.jmhResults", "target/jmh-results.txt", Path::of),
				read("bench.batchRounds", "24", Integer::parseInt),
				read("bench.batch.drivers", "false", Boolean::parseBoolean),
				read("bench.healthRounds", "6", Integer::parseInt), read("bench.vtRounds", "16", Integer::parseInt),
				read("bench.vtBurst", "2s", DurationStyle::detectAndParse),
				read("bench.hikariJars", "target/hikari-7.0.2,target/hikari-7.1.0",
						(folders) -> Arrays.stream(folders.split(",")).map(Path::of).toList()),
				read("bench.soak.duration", "10m", DurationStyle::detectAndParse),
				read("bench.soak.seed", "", (seeds) -> seeds.isEmpty() ? List.of()
						: Arrays.stream(seeds.split(",")).map(String::trim).map(Long::valueOf).toList()),
				read("bench.autosize.scale", "1", Double::parseDouble),
				read("bench.autosize.only", "all", String::trim));
	}

	/**
	 * @return whether the autosizing study runs its fleet workload alone
	 */
	public boolean autosizeFleetOnly() {
		return "fleet".equals(this.autosizeOnly);
	}

	/**
	 * @return whether the autosizing study runs its hold case alone
	 */
	public boolean autosizeHoldOnly() {
		return "hold".equals(this.autosizeOnly);
	}

	/**
	 * @return whether the autosizing study runs its CPU-bound workload alone
	 */
	public boolean autosizeCpuOnly() {
		return "cpu".equals(this.autosizeOnly);
	}

	private static <T> T read(String property, String fallback, Function<String, T> parse) {
		String value = System.getProperty(property, "");
		return parse.apply(value.isBlank() ? fallback : value.trim());
	}

	/**
	 * @return the command that produced a report of this run, for its first lines
	 */
	public String command() {
		return (Runtime.version().feature() >= 21 ? "JAVA_HOME=<JDK " + Runtime.version().feature() + "> " : "")
				+ "./mvnw -P benchmarks -DskipTests verify" + (this.mode.option().isEmpty() ? "" : " " + this.mode.option())
				+ ((this.mode == Mode.AUTOSIZING && !"all".equals(this.autosizeOnly))
						? " -Dbench.autosize.only=" + this.autosizeOnly : "");
	}

}
