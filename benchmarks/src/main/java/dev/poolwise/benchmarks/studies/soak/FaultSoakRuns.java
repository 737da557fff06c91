package dev.poolwise.benchmarks.studies.soak;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import dev.poolwise.benchmarks.harness.Machine;
import dev.poolwise.benchmarks.harness.Settings;
import dev.poolwise.benchmarks.report.ReportSection;
import dev.poolwise.benchmarks.studies.Study;
import dev.poolwise.soak.FaultSoak;
import dev.poolwise.soak.LedgerCall.Outcome;
import dev.poolwise.soak.SoakReport;
import dev.poolwise.soak.SoakResult;
import dev.poolwise.soak.SoakSettings;
import dev.poolwise.test.ReplicatedServers;

/**
 * The long fault soak ({@code -Dbench.mode=fault-soak}): the engine of autoconfigure's {@code FaultSoakTests}
 * for {@code bench.soak.duration} per seed, each seed on a primary and a standby of its own, and one report
 * with a line per seed and each run's section. Fails the build when a check failed in any run.
 */
public final class FaultSoakRuns implements Study {

	private final Settings settings;

	public FaultSoakRuns(Settings settings) {
		this.settings = settings;
	}

	@Override
	public void run() throws Exception {
		long started = System.nanoTime();
		List<Long> seeds = this.settings.soakSeeds().isEmpty()
				? List.of(ThreadLocalRandom.current().nextLong(1, 1_000_000)) : this.settings.soakSeeds();
		List<SoakResult> results = new ArrayList<>();
		for (long seed : seeds) {
			try (ReplicatedServers servers = ReplicatedServers.startRequiringPasswords(FaultSoak.ROLE);
					LogCapture log = LogCapture.start()) {
				results.add(new FaultSoak(SoakSettings.of(seed, this.settings.soakDuration())).run(servers, log::text));
			}
		}
		Map<String, String> machine = Machine
			.describe("Debian PostgreSQL 15, a primary and a synchronous standby that is also the read replica (ReplicatedServers), same host");
		ReportSection.write(this.settings, report(results, Duration.ofNanos(System.nanoTime() - started), machine));
		List<Long> failed = results.stream().filter((result) -> !result.failedChecks().isEmpty())
			.map((result) -> result.settings().seed()).toList();
		if (!failed.isEmpty()) {
			throw new IllegalStateException("Fault soak checks failed for seed(s) " + failed + ": see the report");
		}
	}

	private String report(List<SoakResult> results, Duration elapsed, Map<String, String> machine) {
		StringBuilder out = new StringBuilder();
		ReportSection.header(out, "Fault soak", this.settings, elapsed, machine);
		ReportSection.line(out, "Seeds: " + String.join(", ", results.stream()
			.map((result) -> Long.toString(result.settings().seed())).toList()) + " (`-Dbench.soak.seed`), "
				+ this.settings.soakDuration().toSeconds() + " s of faults each (`-Dbench.soak.duration`). "
				+ "What the faults and checks are: [the fault soak](../../docs/fault-soak.md).");
		ReportSection.line(out, "");
		ReportSection.line(out, "| seed | faults | transfers acknowledged | unknown outcome | lost | duplicated | "
				+ "longest without a write | longest without a read | stale own-write reads | reads on the replica | "
				+ "checks |");
		ReportSection.line(out, "|---|---|---|---|---|---|---|---|---|---|---|");
		for (SoakResult result : results) {
			ReportSection.line(out, "| " + result.settings().seed() + " | " + result.injections().size() + " | "
					+ result.calls((call) -> call.write() && call.outcome() == Outcome.ACKNOWLEDGED) + " | "
					+ result.calls((call) -> call.write() && call.outcome() == Outcome.UNKNOWN) + " | "
					+ result.lostWrites() + " | " + result.duplicatedWrites() + " | "
					+ SoakReport.seconds(result.longestWithout(true).nanos()) + " | "
					+ SoakReport.seconds(result.longestWithout(false).nanos()) + " | " + result.staleOwnWriteReads()
					+ " | " + SoakReport.percent(result.replicaShare()) + " | "
					+ (result.failedChecks().isEmpty() ? "all held" : result.failedChecks().size() + " failed") + " |");
		}
		ReportSection.line(out, "");
		results.forEach((result) -> out.append(SoakReport.markdown(result)));
		return out.toString();
	}

}
