package dev.poolwise.benchmarks.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where the realistic configuration's throughput goes: the Poolwise application with one part after
 * another switched off, side by side with Spring Boot's default in alternating bursts at 100 clients,
 * where the CPU is saturated and every microsecond per borrow shows. Run with {@code -Dbench.attribution=true};
 * writes {@code attribution.md}.
 */
final class Attribution {

	private static final Clients CLIENTS = new Clients(100, false);

	private static final String BOOT = "Spring Boot default";

	private static final String LEAK_DETECTION = "db.pool.leak-detection-threshold";

	private Attribution() {
	}

	static void write(BenchmarkDatabase database, PooledRounds rounds, Path output)
			throws IOException, InterruptedException {
		Map<String, RunningApplication> applications = new LinkedHashMap<>();
		Map<String, List<TrialResult>> bursts = new LinkedHashMap<>();
		try {
			start(database, applications);
			rounds.run(applications, CLIENTS, (round, name, result) -> {
				bursts.computeIfAbsent(name, (key) -> new ArrayList<>()).add(result);
				LoadBenchmark.trialLog(round, CLIENTS, name, result);
			});
		}
		finally {
			applications.values().forEach(RunningApplication::close);
		}
		StringBuilder report = new StringBuilder("# Where the configuration's throughput goes\n\n")
			.append("100 clients, ")
			.append(bursts.get(BOOT).size())
			.append(" rounds of alternating 1 s bursts; ratio = median of the per-round ratios to Spring Boot's ")
			.append("default.\n\n| application | ops/s (median) | ratio to Boot default |\n|---|---:|---:|\n");
		bursts.forEach((name, results) -> report.append(String.format(Locale.ROOT, "| %s | %,.0f | %.3f |%n", name,
				Results.median(results.stream().map(TrialResult::throughput).toList()),
				Results.pairedThroughputRatio(results, bursts.get(BOOT)))));
		Files.createDirectories(output);
		Files.writeString(output.resolve("attribution.md"), report);
		System.out.println(report);
	}

	private static void start(BenchmarkDatabase database, Map<String, RunningApplication> applications) {
		applications.put(BOOT, Applications.bootDefault(database));
		applications.put("Poolwise, realistic configuration", Applications.poolwise(database));
		applications.put("without leak detection", withoutLeakDetection(database, Map.of()));
		applications.put("without leak detection, sampler and scrapes",
				withoutLeakDetection(database, Map.of("db.pool.monitor.enabled", "false")).withoutScrapes());
		applications.put("without leak detection and Boot's Micrometer pool tracker",
				withoutLeakDetection(database, Map.of("spring.autoconfigure.exclude",
						"org.springframework.boot.jdbc.autoconfigure.metrics.DataSourcePoolMetricsAutoConfiguration")));
		Map<String, String> noSession = new HashMap<>();
		Applications.POOLWISE_PROPERTIES.keySet()
			.stream()
			.filter((name) -> name.startsWith("db.pool.session."))
			.forEach((name) -> noSession.put(name, null));
		applications.put("without the five session settings", Applications.poolwise(database, noSession));
	}

	private static RunningApplication withoutLeakDetection(BenchmarkDatabase database, Map<String, String> more) {
		Map<String, String> overrides = new HashMap<>(more);
		overrides.put(LEAK_DETECTION, null);
		RunningApplication application = Applications.poolwise(database, overrides);
		if (application.dataSource().getLeakDetectionThreshold() != 0) {
			application.close();
			throw new IllegalStateException("Leak detection is still on");
		}
		return application;
	}

}
