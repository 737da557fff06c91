package dev.poolwise.soak;

import java.util.Map;
import java.util.stream.Collectors;

import dev.poolwise.soak.LedgerCall.Outcome;
import dev.poolwise.soak.SoakResult.FaultStatistics;
import dev.poolwise.soak.SoakResult.Window;

/**
 * A soak's result as Markdown: the numbers first, then the faults, the schedule and the checks. The same
 * text is printed at the end of every run.
 */
public final class SoakReport {

	private SoakReport() {
	}

	/**
	 * One run's section.
	 * @param result the run
	 * @return Markdown starting with a level-3 heading
	 */
	public static String markdown(SoakResult result) {
		SoakSettings settings = result.settings();
		StringBuilder out = new StringBuilder();
		out.append("### Seed ").append(settings.seed()).append("\n\n");
		out.append("Replay: `-Dbench.mode=fault-soak -Dbench.soak.seed=").append(settings.seed())
			.append(" -Dbench.soak.duration=")
			.append(settings.duration().toSeconds()).append("s`. Faults for ").append(settings.duration().toSeconds())
			.append(" s, load ").append(seconds(result.loadDuration().toNanos())).append(" in all; ")
			.append(settings.writers()).append(" writers and ").append(settings.readers())
			.append(" readers on a pool of ")
			.append(SoakSettings.SIZE).append(" and replica pools of ").append(SoakSettings.REPLICA_SIZE)
			.append(" (`timeout` ").append(SoakSettings.TIMEOUT.toMillis())
			.append(" ms, `socket-timeout` ").append(SoakSettings.SOCKET_TIMEOUT.toMillis()).append(" ms); slack ")
			.append(settings.slack().toMillis()).append(" ms on every bound.\n\n");
		Window write = result.longestWithout(true);
		Window read = result.longestWithout(false);
		out.append("| result | value |\n|---|---|\n");
		row(out, "verdict", result.failedChecks().isEmpty() ? "**passed**, every check held"
				: "**failed**: " + result.failedChecks().size() + " check(s)");
		row(out, "faults injected", Integer.toString(result.injections().size()));
		row(out, "transfers acknowledged / failed before COMMIT / unknown outcome",
				result.calls((call) -> call.write() && call.outcome() == Outcome.ACKNOWLEDGED) + " / "
						+ result.calls((call) -> call.write() && call.outcome() == Outcome.FAILED) + " / "
						+ result.calls((call) -> call.write() && call.outcome() == Outcome.UNKNOWN));
		row(out, "reads succeeded / failed", result.calls((call) -> !call.write() && !call.failed()) + " / "
				+ result.calls((call) -> !call.write() && call.failed()));
		row(out, "read-backs of a writer's own transfer that missed it (stale own-write reads)",
				Long.toString(result.staleOwnWriteReads()));
		Deployment.ReplicaReads routed = result.replicaReads();
		row(out, "reads served by the standby (by the port in each answer)", percent(result.replicaShare()));
		row(out, "read-only transactions Poolwise routed to a replica / to the primary with none available / "
				+ "to the primary for read-your-writes", routed.replica() + " / " + routed.noReplica() + " / "
						+ routed.ownWrite() + " (" + percent(result.routedToReplicaShare()) + " to a replica)");
		row(out, "lost writes", Long.toString(result.lostWrites()));
		row(out, "duplicated writes", Long.toString(result.duplicatedWrites()));
		row(out, "longest window without a successful write", window(result, write));
		row(out, "longest window without a successful read", window(result, read));
		out.append("\n| fault | injected | calls | failed calls | failed by class |\n|---|---|---|---|---|\n");
		for (Map.Entry<String, FaultStatistics> entry : result.byFault().entrySet()) {
			FaultStatistics statistics = entry.getValue();
			out.append("| ").append(entry.getKey()).append(" | ")
				.append(entry.getKey().equals(SoakResult.NONE) ? "" : statistics.injected())
				.append(" | ").append(statistics.calls()).append(" | ").append(statistics.failed()).append(" | ")
				.append(statistics.failures().entrySet().stream().map((e) -> e.getKey() + " " + e.getValue())
					.collect(Collectors.joining(", ")))
				.append(" |\n");
		}
		out.append("\n| # | at | fault | parameters | healed after |\n|---|---|---|---|---|\n");
		for (Injection injection : result.injections()) {
			out.append("| ").append(injection.number()).append(" | ")
				.append(seconds(injection.start() - result.origin())).append(" | ").append(injection.fault().name())
				.append(" | ").append(injection.detail()).append(" | ")
				.append(seconds(injection.end() - injection.start())).append(" |\n");
		}
		out.append("\n| check | held | found |\n|---|---|---|\n");
		for (Check check : result.checks()) {
			out.append("| ").append(check.name()).append(" | ").append(check.passed() ? "yes" : "**no**").append(" | ")
				.append(check.detail().replace("|", "\\|")).append(" |\n");
		}
		return out.append('\n').toString();
	}

	private static void row(StringBuilder out, String name, String value) {
		out.append("| ").append(name).append(" | ").append(value).append(" |\n");
	}

	private static String window(SoakResult result, Window window) {
		return seconds(window.nanos()) + " (from " + seconds(window.from() - result.origin()) + ", during "
				+ result.faultsDuring(window) + ")";
	}

	public static String percent(double share) {
		return String.format("%.1f%%", share * 100);
	}

	public static String seconds(long nanos) {
		return String.format("%.2f s", nanos / 1e9);
	}

}
