package dev.poolwise.benchmarks.studies.throughput;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.poolwise.benchmarks.harness.Applications;
import dev.poolwise.benchmarks.harness.BenchmarkDatabase;
import dev.poolwise.benchmarks.harness.Clients;
import dev.poolwise.benchmarks.harness.Console;
import dev.poolwise.benchmarks.harness.EndpointLatency;
import dev.poolwise.benchmarks.harness.Machine;
import dev.poolwise.benchmarks.harness.PooledRounds;
import dev.poolwise.benchmarks.harness.RunningApplication;
import dev.poolwise.benchmarks.harness.Settings;
import dev.poolwise.benchmarks.harness.StartupTime;
import dev.poolwise.benchmarks.harness.TrialResult;
import dev.poolwise.benchmarks.harness.Variant;
import dev.poolwise.benchmarks.report.Chart;
import dev.poolwise.benchmarks.report.JmhResults;
import dev.poolwise.benchmarks.report.Report;
import dev.poolwise.benchmarks.report.ReportSection;
import dev.poolwise.benchmarks.report.Results;
import dev.poolwise.benchmarks.studies.Study;

/**
 * The full run: every variant against one PostgreSQL server, at 1, 10 and 100 clients (and 1,000 virtual
 * threads on Java 21+), then the Actuator endpoints under saturation and the sample app's startup,
 * written to {@code results.md} and a chart with the JMH numbers of the same command.
 */
public final class Throughput implements Study {

	private static final int ENDPOINT_CALLS = 300;

	/** How long each client holds its connection when the pool, not the CPU, is to saturate. */
	private static final long HOLD_MILLIS = 50;

	private final Settings settings;

	public Throughput(Settings settings) {
		this.settings = settings;
	}

	@Override
	public void run() throws Exception {
		long started = System.nanoTime();
		List<Clients> clients = Clients.forThisJvm();
		Results results = new Results();
		try (BenchmarkDatabase database = BenchmarkDatabase.start()) {
			int accounts = database.initialisePgbench();
			Trial trial = new Trial(database, accounts, this.settings.warmup(), this.settings.measure());
			PooledRounds pooled = new PooledRounds(accounts, this.settings.rounds(), this.settings.burst());
			Console.log("Warm-up: JIT and the server's caches, not reported");
			trial.run(Variant.PGBENCH, new Clients(10, false));
			trial.run(Variant.UNPOOLED, new Clients(10, false));
			for (Clients count : clients) {
				for (int repeat = 0; repeat < this.settings.repeats(); repeat++) {
					List<Variant> references = (repeat % 2 == 0) ? List.of(Variant.UNPOOLED, Variant.PGBENCH)
							: List.of(Variant.PGBENCH, Variant.UNPOOLED);
					for (Variant variant : references) {
						if (variant.runs(count)) {
							TrialResult result = trial.run(variant, count);
							results.add(variant, count, result);
							Console.trial(repeat + 1, count, variant.label(), result);
						}
					}
				}
				Map<Variant, RunningApplication> applications = Applications.compared(database);
				try {
					results.poolwiseThreadCpu(count, pooled.run(applications, count, (round, variant, result) -> {
						results.add(variant, count, result);
						Console.trial(round, count, variant.label(), result);
					}));
				}
				finally {
					applications.values().forEach(RunningApplication::close);
				}
			}
			Console.log("Actuator endpoints under saturation: %d calls each", ENDPOINT_CALLS);
			List<EndpointLatency> endpoints = List.of(
					EndpointLatency.measure(database, accounts, ENDPOINT_CALLS, HOLD_MILLIS, true),
					EndpointLatency.measure(database, accounts, ENDPOINT_CALLS, 0, true),
					EndpointLatency.measure(database, accounts, ENDPOINT_CALLS, 0, false));
			Console.log("Sample app startup: %d runs with and without Poolwise", this.settings.startupRuns());
			Map<Boolean, List<Double>> startup = StartupTime.measure(this.settings.sampleJar(), database,
					this.settings.startupRuns());
			Map<String, String> machine = Machine.describe(database);
			Files.createDirectories(this.settings.output());
			Chart.write(this.settings.output().resolve(Report.CHART), results, clients);
			ReportSection.write(this.settings, new Report(results, clients).render(machine, this.settings, endpoints,
					startup, JmhResults.read(this.settings.jmhResults()), Duration.ofNanos(System.nanoTime() - started)));
		}
	}

}
