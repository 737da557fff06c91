package dev.poolwise.benchmarks.studies.soak;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import org.springframework.boot.convert.DurationStyle;

import dev.poolwise.soak.FaultSoak;
import dev.poolwise.soak.LedgerCall.Outcome;
import dev.poolwise.soak.SoakReport;
import dev.poolwise.soak.SoakResult;
import dev.poolwise.soak.SoakSettings;
import dev.poolwise.test.ReplicatedServers;

/**
 * The long fault soak, one run per seed, each on a primary and a standby of its own, and one report,
 * {@code fault-soak.md}, with a line per seed and each run's section. Exits with status 1 when a check
 * failed in any run.
 */
public final class FaultSoakBenchmark {

	private FaultSoakBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		String length = property("bench.soak.duration", "10m");
		Duration duration = DurationStyle.detectAndParse(length);
		List<Long> seeds = seeds(property("bench.soak.seed", ""));
		Path output = Path.of(property("bench.output", "results"));
		List<SoakResult> results = new ArrayList<>();
		for (long seed : seeds) {
			try (ReplicatedServers servers = ReplicatedServers.startRequiringPasswords(FaultSoak.ROLE);
					LogCapture log = LogCapture.start()) {
				results.add(new FaultSoak(SoakSettings.of(seed, duration)).run(servers, log::text));
			}
		}
		Files.createDirectories(output);
		Path report = output.resolve("fault-soak.md");
		Files.writeString(report, report(results, length));
		System.out.println("Fault soak report: " + report.toAbsolutePath());
		if (results.stream().anyMatch((result) -> !result.failedChecks().isEmpty())) {
			System.exit(1);
		}
	}

	private static String report(List<SoakResult> results, String duration) {
		StringBuilder out = new StringBuilder("# Fault soak\n\n");
		out.append("Every fault Poolwise documents a bound for, injected at random from a seed under a ledger's load; "
				+ "then every check of [the fault soak](../../docs/fault-soak.md). Written by\n"
				+ "`./mvnw -P benchmarks -pl benchmarks -am -DskipTests verify -Dbench.soak=true "
				+ "-Dbench.soak.duration=" + duration + " -Dbench.soak.seed=")
			.append(String.join(",", results.stream().map((result) -> Long.toString(result.settings().seed())).toList()))
			.append("` on ").append(Instant.now().truncatedTo(ChronoUnit.MINUTES)).append(", JDK ")
			.append(Runtime.version().feature()).append(", ").append(Runtime.getRuntime().availableProcessors())
			.append(" cores shared with other work.\n\n");
		out.append("| seed | faults | transfers acknowledged | unknown outcome | lost | duplicated | "
				+ "longest without a write | longest without a read | checks |\n|---|---|---|---|---|---|---|---|---|\n");
		for (SoakResult result : results) {
			out.append("| ").append(result.settings().seed()).append(" | ").append(result.injections().size())
				.append(" | ").append(result.calls((call) -> call.write() && call.outcome() == Outcome.ACKNOWLEDGED))
				.append(" | ").append(result.calls((call) -> call.write() && call.outcome() == Outcome.UNKNOWN))
				.append(" | ").append(result.lostWrites()).append(" | ").append(result.duplicatedWrites()).append(" | ")
				.append(SoakReport.seconds(result.longestWithout(true).nanos())).append(" | ")
				.append(SoakReport.seconds(result.longestWithout(false).nanos())).append(" | ")
				.append(result.failedChecks().isEmpty() ? "all held" : result.failedChecks().size() + " failed")
				.append(" |\n");
		}
		out.append('\n');
		for (SoakResult result : results) {
			out.append(SoakReport.markdown(result));
		}
		return out.toString();
	}

	private static List<Long> seeds(String seeds) {
		if (seeds.isBlank()) {
			return List.of(ThreadLocalRandom.current().nextLong(1, 1_000_000));
		}
		return Arrays.stream(seeds.split(",")).map(String::trim).map(Long::parseLong).toList();
	}

	private static String property(String name, String fallback) {
		String value = System.getProperty(name, "");
		return value.isBlank() ? fallback : value.trim();
	}

}
