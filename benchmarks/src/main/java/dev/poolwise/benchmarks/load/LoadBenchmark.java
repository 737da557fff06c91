package dev.poolwise.benchmarks.load;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The load harness: every variant against one PostgreSQL server in one run, at 1, 10 and 100 clients
 * (and 1,000 virtual threads on Java 21+), then the Actuator endpoints under saturation and the sample
 * app's startup, written to {@code results.md} and a chart.
 */
public final class LoadBenchmark {

	/** pgbench scale: 1,000,000 accounts, about 150 MB with its index, cached in memory. */
	private static final int SCALE = 10;

	private static final int ENDPOINT_CALLS = 300;

	/** How long each client holds its connection when the pool, not the CPU, is to saturate. */
	private static final long HOLD_MILLIS = 50;

	private LoadBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		long started = System.nanoTime();
		Settings settings = Settings.fromSystemProperties();
		List<Clients> clients = Clients.forThisJvm();
		Results results = new Results();
		if (settings.virtualThreads() && !ClientLoad.virtualThreadsAvailable()) {
			throw new IllegalStateException("-Dbench.vt=true compares virtual threads: run it on Java 21 or later");
		}
		try (BenchmarkDatabase database = BenchmarkDatabase.start(settings.batch())) {
			if (settings.batch()) {
				BatchedWrites.write(database, settings);
				return;
			}
			log("PostgreSQL on port %d; pgbench -i -s %d", database.port(), SCALE);
			database.initialisePgbench(SCALE);
			int accounts = Math.toIntExact(database.accounts());
			if (settings.virtualThreads()) {
				VirtualThreadsComparison.write(database, accounts, settings);
				return;
			}
			Trial trial = new Trial(database, accounts, settings.warmup(), settings.measure());
			PooledRounds pooled = new PooledRounds(accounts, settings.rounds(), settings.burst());
			if (settings.health()) {
				HealthLatency.write(database, accounts, settings);
				return;
			}
			if (settings.attribution()) {
				Attribution.write(database, pooled, settings.output());
				return;
			}
			log("Warm-up: JIT and the server's caches, not reported");
			trial.run(Variant.PGBENCH, new Clients(10, false));
			trial.run(Variant.UNPOOLED, new Clients(10, false));
			for (Clients count : clients) {
				for (int repeat = 0; repeat < settings.repeats(); repeat++) {
					List<Variant> references = (repeat % 2 == 0) ? List.of(Variant.UNPOOLED, Variant.PGBENCH)
							: List.of(Variant.PGBENCH, Variant.UNPOOLED);
					for (Variant variant : references) {
						if (variant.runs(count)) {
							TrialResult result = trial.run(variant, count);
							results.add(variant, count, result);
							trialLog(repeat + 1, count, variant.label(), result);
						}
					}
				}
				Map<Variant, RunningApplication> applications = Applications.compared(database);
				try {
					results.poolwiseThreadCpu(count, pooled.run(applications, count, (round, variant, result) -> {
						results.add(variant, count, result);
						trialLog(round, count, variant.label(), result);
					}));
				}
				finally {
					applications.values().forEach(RunningApplication::close);
				}
			}
			log("Actuator endpoints under saturation: %d calls each", ENDPOINT_CALLS);
			List<EndpointLatency> endpoints = List.of(
					EndpointLatency.measure(database, accounts, ENDPOINT_CALLS, HOLD_MILLIS, true),
					EndpointLatency.measure(database, accounts, ENDPOINT_CALLS, 0, true),
					EndpointLatency.measure(database, accounts, ENDPOINT_CALLS, 0, false));
			log("Sample app startup: %d runs with and without Poolwise", settings.startupRuns());
			Map<Boolean, List<Double>> startup = StartupTime.measure(settings.sampleJar(), database,
					settings.startupRuns());
			Map<String, String> machine = Machine.describe(database);
			Files.createDirectories(settings.output());
			Chart.write(settings.output().resolve(Report.CHART), results, clients);
			String report = new Report(results, clients).render(machine, settings, endpoints, startup,
					JmhResults.read(settings.jmhResults()), Duration.ofNanos(System.nanoTime() - started));
			Files.writeString(settings.output().resolve("results.md"), report);
			System.out.println(report);
		}
	}

	static void trialLog(int repeat, Clients clients, String label, TrialResult result) {
		log("%2d %14s clients  %-30s %,10.0f ops/s  p50 %.3f ms  p99 %.3f ms  errors %d", repeat, clients.label(),
				label, result.throughput(), result.p50(), result.p99(), result.errors());
	}

	static void log(String format, Object... values) {
		System.out.println("[bench] " + String.format(Locale.ROOT, format, values));
	}

}
