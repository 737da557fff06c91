package dev.poolwise.benchmarks.studies.throughput;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.poolwise.benchmarks.harness.Applications;
import dev.poolwise.benchmarks.harness.BenchmarkDatabase;
import dev.poolwise.benchmarks.harness.Clients;
import dev.poolwise.benchmarks.harness.Console;
import dev.poolwise.benchmarks.harness.PooledRounds;
import dev.poolwise.benchmarks.harness.RunningApplication;
import dev.poolwise.benchmarks.harness.Settings;
import dev.poolwise.benchmarks.harness.TrialResult;
import dev.poolwise.benchmarks.report.ReportSection;
import dev.poolwise.benchmarks.report.Results;
import dev.poolwise.benchmarks.studies.Study;

/**
 * Where the realistic configuration's throughput goes: the Poolwise application with one part after
 * another switched off, side by side with Spring Boot's default in alternating bursts at 100 clients,
 * where the CPU is saturated and every microsecond per borrow shows. Run with
 * {@code -Dbench.mode=attribution}; writes {@code attribution.md}.
 */
public final class Attribution implements Study {

	private static final Clients CLIENTS = new Clients(100, false);

	private static final String BOOT = "Spring Boot default";

	private static final String LEAK_DETECTION = "db.pool.leak-detection-threshold";

	private final Settings settings;

	public Attribution(Settings settings) {
		this.settings = settings;
	}

	@Override
	public void run() throws Exception {
		Map<String, RunningApplication> applications = new LinkedHashMap<>();
		Map<String, List<TrialResult>> bursts = new LinkedHashMap<>();
		try (BenchmarkDatabase database = BenchmarkDatabase.start()) {
			PooledRounds rounds = new PooledRounds(database.initialisePgbench(), this.settings.rounds(),
					this.settings.burst());
			try {
				start(database, applications);
				rounds.run(applications, CLIENTS, (round, name, result) -> {
					bursts.computeIfAbsent(name, (key) -> new ArrayList<>()).add(result);
					Console.trial(round, CLIENTS, name, result);
				});
			}
			finally {
				applications.values().forEach(RunningApplication::close);
			}
		}
		StringBuilder report = new StringBuilder("# Where the configuration's throughput goes\n\n")
			.append("100 clients, ")
			.append(bursts.get(BOOT).size())
			.append(" rounds of alternating 1 s bursts; ratio = median of the per-round ratios to Spring Boot's ")
			.append("default.\n\n| application | ops/s (median) | ratio to Boot default |\n|---|---:|---:|\n");
		bursts.forEach((name, results) -> report.append(String.format(Locale.ROOT, "| %s | %,.0f | %.3f |%n", name,
				Results.median(results.stream().map(TrialResult::throughput).toList()),
				Results.pairedThroughputRatio(results, bursts.get(BOOT)))));
		ReportSection.write(this.settings, report.toString());
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
		Map<String, @Nullable String> noSession = new HashMap<>();
		Applications.POOLWISE_PROPERTIES.keySet()
			.stream()
			.filter((name) -> name.startsWith("db.pool.session."))
			.forEach((name) -> noSession.put(name, null));
		applications.put("without the five session settings", Applications.poolwise(database, noSession));
	}

	private static RunningApplication withoutLeakDetection(BenchmarkDatabase database, Map<String, String> more) {
		Map<String, @Nullable String> overrides = new HashMap<>(more);
		overrides.put(LEAK_DETECTION, null);
		RunningApplication application = Applications.poolwise(database, overrides);
		if (application.dataSource().getLeakDetectionThreshold() != 0) {
			application.close();
			throw new IllegalStateException("Leak detection is still on");
		}
		return application;
	}

}
