package dev.poolwise.benchmarks.studies.virtualthreads;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

import dev.poolwise.benchmarks.harness.BenchmarkDatabase;
import dev.poolwise.benchmarks.harness.ClientLoad;
import dev.poolwise.benchmarks.harness.Clients;
import dev.poolwise.benchmarks.harness.Console;
import dev.poolwise.benchmarks.harness.Machine;
import dev.poolwise.benchmarks.harness.Settings;
import dev.poolwise.benchmarks.report.ReportSection;
import dev.poolwise.benchmarks.report.Results;
import dev.poolwise.benchmarks.studies.Study;

import static dev.poolwise.benchmarks.report.ReportSection.format;
import static dev.poolwise.benchmarks.report.ReportSection.line;

/**
 * 1,000 virtual threads on the HikariCP that Spring Boot 4.1 manages (7.0.2, whose {@code ConcurrentBag}
 * spins carrier threads while virtual threads wait for a connection) and on 7.1.0, which parks instead. Each
 * version runs in its own client JVM with the same pool settings against the same server; the parent tells
 * them in turn to run a burst (A B, B A, ...), so the drift of a shared machine falls on both. Run with
 * {@code -Dbench.mode=virtual-threads} on Java 21 or later; writes {@code virtual-threads.md}.
 */
public final class VirtualThreadsComparison implements Study {

	private static final Clients CLIENTS = new Clients(1000, true);

	/** Bursts per client JVM before the rounds, not reported: the JIT, the pool filling up to its maximum. */
	private static final int WARMUP_BURSTS = 2;

	private final Map<String, List<BurstResult>> bursts = new LinkedHashMap<>();

	private final Settings settings;

	public VirtualThreadsComparison(Settings settings) {
		this.settings = settings;
	}

	@Override
	public void run() throws Exception {
		if (!ClientLoad.virtualThreadsAvailable()) {
			throw new IllegalStateException(this.settings.mode().option()
					+ " compares virtual threads: run it on Java 21 or later");
		}
		try (BenchmarkDatabase database = BenchmarkDatabase.start()) {
			compare(database, database.initialisePgbench());
		}
	}

	private void compare(BenchmarkDatabase database, int accounts) throws Exception {
		long started = System.nanoTime();
		int rounds = this.settings.vtRounds();
		Duration burst = this.settings.vtBurst();
		Duration warmup = burst.dividedBy(4);
		List<ClientJvm> jvms = new ArrayList<>();
		try {
			for (Path folder : this.settings.hikariJars()) {
				jvms.add(ClientJvm.start(folder, database, accounts, CLIENTS.count()));
			}
			Console.log("Virtual threads: HikariCP %s, one client JVM each; %d warm-up bursts, then %d rounds",
					String.join(" and ", jvms.stream().map(ClientJvm::hikariVersion).toList()), WARMUP_BURSTS, rounds);
			for (int i = 0; i < WARMUP_BURSTS; i++) {
				for (ClientJvm jvm : jvms) {
					log("warm-up", jvm, jvm.burst(burst, burst));
				}
			}
			for (int round = 0; round < rounds; round++) {
				for (int i = 0; i < jvms.size(); i++) {
					ClientJvm jvm = jvms.get((round + i) % jvms.size());
					BurstResult result = jvm.burst(warmup, burst);
					log(Integer.toString(round + 1), jvm, result);
					this.bursts.computeIfAbsent(jvm.hikariVersion(), (key) -> new ArrayList<>()).add(result);
				}
			}
		}
		finally {
			jvms.forEach(ClientJvm::close);
		}
		Map<String, String> machine = Machine.describe(database);
		machine.put("HikariCP", String.join(" and ", this.bursts.keySet()) + ", one per client JVM");
		ReportSection.write(this.settings,
				render(machine, rounds, burst, Duration.ofNanos(System.nanoTime() - started)));
	}

	private static void log(String round, ClientJvm jvm, BurstResult result) {
		Console.log("%7s HikariCP %-6s %,10.0f ops/s  CPU %6.1f ms per 1,000 ops (%.2f cores)  p99 %.3f ms  "
				+ "getConnection p99 %.3f ms  %d waiting  errors %d", round, jvm.hikariVersion(), result.throughput(),
				result.cpuMillisPerThousand(), result.cores(), result.p99(), result.borrowP99(), result.waiting(),
				result.errors());
	}

	private String render(Map<String, String> machine, int rounds, Duration burst, Duration elapsed) {
		List<String> versions = new ArrayList<>(this.bursts.keySet());
		String baseline = versions.get(0);
		StringBuilder out = new StringBuilder();
		ReportSection.header(out, "Virtual threads: HikariCP " + String.join(" against ", versions), this.settings,
				elapsed, machine);
		line(out, "Each HikariCP version runs in its own client JVM (same JDK, same flags, the virtual-thread "
				+ "scheduler's default parallelism of one carrier per core), with the same pool: `minimumIdle="
				+ VirtualThreadBursts.MINIMUM_IDLE + "`, `maximumPoolSize=" + VirtualThreadBursts.MAXIMUM_POOL_SIZE
				+ "` (Poolwise's default `size` and `overflow`), Hikari's defaults otherwise. "
				+ String.format(Locale.ROOT, "%,d", CLIENTS.count())
				+ " virtual threads loop over pgbench's select-only read (borrow, `SELECT abalance FROM "
				+ "pgbench_accounts WHERE aid = ?`, return) against the same embedded PostgreSQL. The parent tells "
				+ "the JVMs in turn to run a burst (A B, B A, ...): " + WARMUP_BURSTS + " warm-up bursts each, then "
				+ rounds + " rounds, each burst " + burst.toMillis() + " ms measured after "
				+ burst.dividedBy(4).toMillis() + " ms of warm-up, with fresh virtual threads; the other JVM is "
				+ "idle meanwhile. CPU time is the client JVM's process CPU time over the measured window "
				+ "(`OperatingSystemMXBean.getProcessCpuTime`: carriers, Hikari's threads, JIT and collector), "
				+ "divided by the operations; the server's CPU is not in it. An operation's p99 counts the operations "
				+ "that ended in the window; the p99 of `getConnection()` also counts each thread still waiting "
				+ "for a connection when the window closed, with its wait so far (those threads are in the column "
				+ "\"waiting at the end\"). Medians and ranges are over the rounds; "
				+ "the ratios are the median of the per-round ratios, so the machine's drift cancels.");
		line(out, "");
		line(out, "| HikariCP | ops/s (median) | ops/s (range) | CPU ms per 1,000 ops (median) | CPU ms per 1,000 ops "
				+ "(range) | client JVM, cores busy | p99 ms, operation | p99 ms, `getConnection` | waiting at the end "
				+ "| errors |");
		line(out, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
		for (String version : versions) {
			List<BurstResult> results = this.bursts.get(version);
			line(out, "| " + version + " | " + format("%,.0f", median(results, BurstResult::throughput)) + " | "
					+ range("%,.0f", results, BurstResult::throughput) + " | "
					+ format("%.1f", median(results, BurstResult::cpuMillisPerThousand)) + " | "
					+ range("%.1f", results, BurstResult::cpuMillisPerThousand) + " | "
					+ format("%.2f", median(results, BurstResult::cores)) + " | "
					+ format("%.2f", median(results, BurstResult::p99)) + " | "
					+ format("%.2f", median(results, BurstResult::borrowP99)) + " | "
					+ format("%.0f", median(results, BurstResult::waiting)) + " | "
					+ results.stream().mapToLong(BurstResult::errors).sum() + " |");
		}
		for (String version : versions.subList(1, versions.size())) {
			List<Double> throughput = ratios(version, baseline, BurstResult::throughput);
			List<Double> cpu = ratios(version, baseline, BurstResult::cpuMillisPerThousand);
			line(out, "| **" + version + " / " + baseline + "** | **" + format("%.2f", Results.median(throughput))
					+ "** | " + range("%.2f", throughput) + " | **" + format("%.2f", Results.median(cpu)) + "** | "
					+ range("%.2f", cpu) + " | | | | | |");
		}
		line(out, "");
		line(out, "## Every burst (in run order)");
		line(out, "");
		line(out, "| round | HikariCP | ops/s | CPU ms per 1,000 ops | cores busy | p99 ms | `getConnection` p99 ms "
				+ "| waiting at the end |");
		line(out, "|---:|---|---:|---:|---:|---:|---:|---:|");
		for (int round = 0; round < rounds; round++) {
			for (int i = 0; i < versions.size(); i++) {
				String version = versions.get((round + i) % versions.size());
				BurstResult result = this.bursts.get(version).get(round);
				line(out, "| " + (round + 1) + " | " + version + " | " + format("%,.0f", result.throughput()) + " | "
						+ format("%.1f", result.cpuMillisPerThousand()) + " | " + format("%.2f", result.cores())
						+ " | " + format("%.2f", result.p99()) + " | " + format("%.2f", result.borrowP99()) + " | "
						+ result.waiting() + " |");
			}
		}
		return out.toString();
	}

	private List<Double> ratios(String numerator, String denominator, ToDoubleFunction<BurstResult> measure) {
		List<BurstResult> over = this.bursts.get(numerator);
		List<BurstResult> under = this.bursts.get(denominator);
		List<Double> ratios = new ArrayList<>();
		for (int i = 0; i < Math.min(over.size(), under.size()); i++) {
			ratios.add(measure.applyAsDouble(over.get(i)) / measure.applyAsDouble(under.get(i)));
		}
		return ratios;
	}

	private static double median(List<BurstResult> results, ToDoubleFunction<BurstResult> measure) {
		return Results.median(values(results, measure));
	}

	private static String range(String format, List<BurstResult> results, ToDoubleFunction<BurstResult> measure) {
		return range(format, values(results, measure));
	}

	private static String range(String format, List<Double> values) {
		return format(format, values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN)) + " - "
				+ format(format, values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN));
	}

	private static List<Double> values(List<BurstResult> results, ToDoubleFunction<BurstResult> measure) {
		return results.stream().mapToDouble(measure).boxed().toList();
	}

}
