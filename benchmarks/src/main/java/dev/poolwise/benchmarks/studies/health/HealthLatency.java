package dev.poolwise.benchmarks.studies.health;

import java.io.IOException;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.HdrHistogram.Histogram;

import dev.poolwise.benchmarks.harness.Applications;
import dev.poolwise.benchmarks.harness.BenchmarkDatabase;
import dev.poolwise.benchmarks.harness.ClientLoad;
import dev.poolwise.benchmarks.harness.Console;
import dev.poolwise.benchmarks.harness.CpuBurners;
import dev.poolwise.benchmarks.harness.EndpointLatency;
import dev.poolwise.benchmarks.harness.RunningApplication;
import dev.poolwise.benchmarks.harness.Scraper;
import dev.poolwise.benchmarks.harness.Settings;
import dev.poolwise.benchmarks.harness.TrialResult;
import dev.poolwise.benchmarks.report.ReportSection;
import dev.poolwise.benchmarks.report.Results;
import dev.poolwise.benchmarks.studies.Study;

/**
 * {@code /actuator/health} against {@code /actuator/prometheus} of the same application while its pool
 * is saturated and both cores are busy: 100 closed-loop clients on a pool of 10, plus one spinning thread
 * per core. Applications differ only in properties, run side by side, and take turns in alternating
 * rounds (A B, B A, ...), so the machine's drift reaches all of them alike. Run with
 * {@code -Dbench.mode=health-latency}; writes {@code health-latency.md}.
 */
public final class HealthLatency implements Study {

	private static final int CALLS = 150;

	private static final int WARMUP_CALLS = 20;

	private final Settings settings;

	public HealthLatency(Settings settings) {
		this.settings = settings;
	}

	/**
	 * The applications compared, by name, each as the Poolwise application with some properties changed.
	 */
	static Map<String, Map<String, String>> variants() {
		Map<String, Map<String, String>> variants = new LinkedHashMap<>();
		variants.put("Poolwise", Map.of());
		variants.put("Poolwise, probe on every call (max-age=0)", Map.of("db.pool.health.max-age", "0"));
		variants.put("Poolwise's indicator and sampler off",
				Map.of("management.health.dbpool.enabled", "false", "db.pool.monitor.enabled", "false"));
		return variants;
	}

	@Override
	public void run() throws Exception {
		try (BenchmarkDatabase database = BenchmarkDatabase.start()) {
			int accounts = database.initialisePgbench();
			long started = System.nanoTime();
			Map<String, RunningApplication> applications = new LinkedHashMap<>();
			Map<String, Map<String, List<Histogram>>> rounds = new LinkedHashMap<>();
			try {
				variants().forEach((name, overrides) -> applications.put(name, Applications.poolwise(database, overrides)));
				List<String> names = new ArrayList<>(applications.keySet());
				for (RunningApplication application : applications.values()) {
					application.scraping(false);
					application.dataSource().getConnection().close();
				}
				for (int round = 0; round < this.settings.healthRounds(); round++) {
					for (int i = 0; i < names.size(); i++) {
						String name = names.get((round + i) % names.size());
						Map<String, Histogram> window = measure(applications.get(name), accounts);
						window.forEach((path, histogram) -> rounds.computeIfAbsent(name, (key) -> new LinkedHashMap<>())
							.computeIfAbsent(path, (key) -> new ArrayList<>())
							.add(histogram));
						Console.log("%d %-45s health p50 %6.2f p99 %7.2f ms   prometheus p50 %6.2f p99 %7.2f ms",
								round + 1, name, millis(window.get(Scraper.HEALTH), 50), millis(window.get(Scraper.HEALTH), 99),
								millis(window.get(Scraper.PROMETHEUS), 50), millis(window.get(Scraper.PROMETHEUS), 99));
					}
				}
			}
			finally {
				applications.values().forEach(RunningApplication::close);
			}
			ReportSection.write(this.settings, render(rounds, Duration.ofNanos(System.nanoTime() - started)));
		}
	}

	/**
	 * One window: load and burners on, saturation awaited, a few calls unrecorded, then {@link #CALLS}
	 * sequential GETs of each endpoint in turn.
	 */
	private static Map<String, Histogram> measure(RunningApplication application, int accounts)
			throws IOException, InterruptedException {
		Map<String, Histogram> latencies = new LinkedHashMap<>();
		EndpointLatency.PATHS.forEach((path) -> latencies.put(path, TrialResult.newHistogram()));
		ClientLoad load = new ClientLoad(application.dataSource()::getConnection, EndpointLatency.CLIENTS, false,
				accounts, 0);
		CpuBurners burners = CpuBurners.start(Runtime.getRuntime().availableProcessors());
		load.start();
		try {
			EndpointLatency.awaitSaturation(application.dataSource().getHikariPoolMXBean());
			for (int i = 0; i < WARMUP_CALLS + CALLS; i++) {
				for (String path : EndpointLatency.PATHS) {
					long callStarted = System.nanoTime();
					int status = application.scraper().get(path);
					if (i >= WARMUP_CALLS) {
						latencies.get(path).recordValue(System.nanoTime() - callStarted);
					}
					if (status != 200) {
						throw new IllegalStateException(path + " answered " + status + " under saturation");
					}
				}
			}
		}
		finally {
			load.stop();
			burners.stop();
		}
		return latencies;
	}

	private String render(Map<String, Map<String, List<Histogram>>> rounds, Duration took) {
		StringBuilder out = new StringBuilder("# Health and Prometheus latency under a saturated pool and CPU\n\n");
		out.append(String.format(Locale.ROOT, "Generated by `%s` on %s (%d s). %d rounds; in each, every application "
				+ "in turn (order rotating) under %d closed-loop clients on its pool of 10 and %d spinning threads, "
				+ "%d sequential GETs of each endpoint after %d unrecorded.%n%n", this.settings.command(), LocalDate.now(),
				took.toSeconds(), this.settings.healthRounds(), EndpointLatency.CLIENTS,
				Runtime.getRuntime().availableProcessors(), CALLS, WARMUP_CALLS));
		out.append("| application | endpoint | calls | p50 ms | p99 ms | max ms | p99 per round, ms (min, median, max) |\n")
			.append("|---|---|---:|---:|---:|---:|---|\n");
		rounds.forEach((name, paths) -> paths.forEach((path, histograms) -> {
			Histogram all = TrialResult.newHistogram();
			histograms.forEach(all::add);
			List<Double> p99s = histograms.stream().map((histogram) -> millis(histogram, 99)).sorted().toList();
			out.append(String.format(Locale.ROOT, "| %s | `%s` | %d | %.2f | %.2f | %.2f | %.1f, %.1f, %.1f |%n", name,
					path, all.getTotalCount(), millis(all, 50), millis(all, 99), all.getMaxValue() / 1e6, p99s.get(0),
					Results.median(p99s), p99s.get(p99s.size() - 1)));
		}));
		out.append("\nHealth p99 over prometheus p99 of the same application in the same window, per round:\n\n")
			.append("| application | median | min | max | rounds where health p99 <= prometheus p99 |\n")
			.append("|---|---:|---:|---:|---:|\n");
		rounds.forEach((name, paths) -> {
			List<Double> ratios = new ArrayList<>();
			List<Histogram> health = paths.get(Scraper.HEALTH);
			List<Histogram> prometheus = paths.get(Scraper.PROMETHEUS);
			for (int i = 0; i < health.size(); i++) {
				ratios.add(millis(health.get(i), 99) / millis(prometheus.get(i), 99));
			}
			List<Double> sorted = ratios.stream().sorted().toList();
			out.append(String.format(Locale.ROOT, "| %s | %.2f | %.2f | %.2f | %d of %d |%n", name,
					Results.median(sorted), sorted.get(0), sorted.get(sorted.size() - 1),
					ratios.stream().filter((ratio) -> ratio <= 1).count(), ratios.size()));
		});
		return out.toString();
	}

	private static double millis(Histogram histogram, double percentile) {
		return histogram.getValueAtPercentile(percentile) / 1e6;
	}

}
