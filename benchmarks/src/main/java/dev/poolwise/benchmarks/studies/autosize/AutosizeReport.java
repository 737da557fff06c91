package dev.poolwise.benchmarks.studies.autosize;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The study's report in Markdown: how it ran, one table per workload, the fleet's budget and yield.
 */
final class AutosizeReport {

	private AutosizeReport() {
	}

	static void header(StringBuilder out, double cpuMillis, Map<Integer, Double> sweep1, int knee1, double scale) {
		out.append("Run ").append(AutosizeStudy.now()).append(" on ").append(Runtime.getRuntime().availableProcessors())
			.append(" cores shared with other work, one round per workload (workload 3: three, below; -Dbench.autosize.scale=")
			.append(scale).append("). HikariCP 7 in every contender, embedded PostgreSQL on the same machine, a ")
			.append("1s pool timeout for every client.\n\n");
		out.append("Contenders: `boot-fixed-10` (Spring Boot's default pool, 10 connections); `knee-fixed-")
			.append(knee1).append("` (a fixed pool hand-tuned to the knee of workload 1: the smallest size within 5% of ")
			.append("the best throughput of the sweep below); `flexypool-10+40` (FlexyPool 3.0.2's ")
			.append("IncrementPoolOnTimeoutConnectionAcquisitionStrategy on Hikari's 10: one more connection, up to 40 ")
			.append("more, whenever an acquisition took over 100ms or timed out; it never shrinks); ")
			.append("`poolwise-autosize-10..50` (size 10 as Boot's, overflow 40, `db.pool.autosize` with its defaults: interval 1s, ")
			.append("step 2, shrink-delay 30s, cooldown 10s, min-gain 0.3; claiming its share of the budget as the starter does).\n\n");
		out.append("Work per borrow: `").append(Workload.WORK).append("` (a few ms, hardly any server CPU) in ")
			.append("workloads 1 and 2; `").append(Workload.CPU).append("` (").append(format("%.1f", cpuMillis))
			.append("ms of server CPU alone) in workload 3.\n\n");
		out.append("Knee sweep of workload 1 (fixed pools, 3s each) at 100 clients ");
		sweep1.forEach((size, tp) -> out.append(size).append(": ").append(format("%.0f/s", tp)).append("; "));
		out.append("knee ").append(knee1).append(".\n\n");
	}

	/**
	 * Workload 3: its knee sweep and its contenders, each over rounds, as medians with the range of the rounds.
	 */
	static void cpu(StringBuilder out, Workload workload, Map<Integer, List<Result>> sweep, int knee,
			Map<String, List<Result>> results, double sweepSeconds) {
		int rounds = sweep.values().iterator().next().size();
		out.append("## Workload ").append(workload.name()).append("\n\n");
		out.append("Knee sweep: fixed pools at 40 clients, ").append(rounds).append(" rounds of ")
			.append(format("%.0f", sweepSeconds)).append("s each once the pool opened its connections, the sizes in ")
			.append("an order rotated every round; median (lowest - highest of the rounds), and timeouts of all ")
			.append("rounds. The knee is the smallest size whose median is within 5% of the best median.\n\n");
		out.append("| fixed size | throughput | timeouts |\n|---:|---|---:|\n");
		double best = sweep.values().stream().mapToDouble((list) -> AutosizeStudy.median(list, Result::throughput))
			.max().orElse(0);
		sweep.forEach((size, list) -> out.append("| ").append(size).append(size == knee ? " (knee)" : "").append(" | ")
			.append(spread(list, Result::throughput)).append(format(" (%.2f of the best)",
					AutosizeStudy.median(list, Result::throughput) / best))
			.append(" | ").append(list.stream().mapToLong(Result::timeouts).sum()).append(" |\n"));
		out.append("\nContenders: `boot-fixed-10`, `flexypool-10+40` and `poolwise-autosize-10..50` as in workloads ")
			.append("1 and 2, `knee-fixed-").append(knee).append("` (a fixed pool at this sweep's knee) and ")
			.append("`poolwise-autosize-2..50` (size 2, overflow 48: a floor at or below the knee, with the ")
			.append("same defaults); ").append(rounds).append(" rounds of ")
			.append(format("%.0f", workload.loadedMillis() / 1000.0)).append("s in an order rotated every round; ")
			.append("throughput over the whole run and over its steady part (")
			.append(format("%.0f", workload.steadyFromMillis() / 1000.0)).append("s to ")
			.append(format("%.0f", workload.steadyToMillis() / 1000.0)).append("s), median (lowest - highest), ")
			.append("then its share of the median of the fixed pool at the knee; timeouts, mean sessions held, ")
			.append("working maximum at the end and at its peak, each round.\n\n");
		List<Result> reference = results.getOrDefault("knee-fixed-" + knee, results.get("boot-fixed-10"));
		double whole = AutosizeStudy.median(reference, Result::throughput);
		double steady = AutosizeStudy.median(reference, Result::steadyThroughput);
		out.append("| contender | throughput | of the knee's | steady part | of the knee's | timeouts | sessions held ")
			.append("| max at end / peak |\n|---|---|---:|---|---:|---|---|---|\n");
		results.forEach((name, list) -> out.append("| ").append(name).append(" | ")
			.append(spread(list, Result::throughput)).append(" | ")
			.append(format("%.2f", AutosizeStudy.median(list, Result::throughput) / whole)).append(" | ")
			.append(spread(list, Result::steadyThroughput)).append(" | ")
			.append(format("%.2f", AutosizeStudy.median(list, Result::steadyThroughput) / steady)).append(" | ")
			.append(join(list, (r) -> Long.toString(r.timeouts()))).append(" | ")
			.append(join(list, (r) -> format("%.1f", r.meanHeld()))).append(" | ")
			.append(join(list, (r) -> r.finalMax() + "/" + r.peakMax())).append(" |\n"));
		out.append('\n');
	}

	private static String spread(List<Result> list, java.util.function.ToDoubleFunction<Result> value) {
		double[] values = list.stream().mapToDouble(value).sorted().toArray();
		return format("%.0f/s (%.0f - %.0f)", AutosizeStudy.median(list, value), values[0],
				values[values.length - 1]);
	}

	private static String join(List<Result> list, java.util.function.Function<Result, String> value) {
		return String.join(", ", list.stream().map(value).toList());
	}

	static void workload(StringBuilder out, String name, List<Result> results) {
		out.append("## Workload ").append(name).append("\n\n");
		out.append("| contender | throughput | wait p50 | p99 | p99.9 | timeouts | errors | connections held (mean) "
				+ "| held at idle | max at end / peak | resizes in steady load |\n");
		out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
		for (Result r : results) {
			out.append("| ").append(r.contender()).append(" | ").append(format("%.0f/s", r.throughput()))
				.append(" | ").append(format("%.2fms", r.waitMillis(50))).append(" | ")
				.append(format("%.1fms", r.waitMillis(99))).append(" | ").append(format("%.1fms", r.waitMillis(99.9)))
				.append(" | ").append(r.timeouts()).append(" | ").append(r.errors()).append(" | ")
				.append(format("%.1f", r.meanHeld())).append(" | ")
				.append((r.idleHeld() >= 0) ? Integer.toString(r.idleHeld()) : "-").append(" | ")
				.append(r.finalMax()).append(" / ").append(r.peakMax()).append(" | ")
				.append((r.steadyResizes() >= 0) ? r.steadyResizes() + " in " + format("%.0fs", r.steadySeconds())
						+ " (" + format("%.0f", r.resizesPerHour()) + "/h)" : "-")
				.append(" |\n");
		}
		out.append('\n');
	}

	/**
	 * @param server samples: millis, client sessions, fleet sessions, max_connections less superuser slots
	 * @param members each member's lines: millis, max, open, guaranteed, done, timeouts, refused logins
	 */
	static void fleet(StringBuilder out, String role, List<long[]> server, List<List<long[]>> members, long lateStart,
			long end) {
		out.append("## Workload 4 fleet: three JVMs against max_connections=50, role ").append(role).append(" (")
			.append(role.contains("all_stats") ? "with" : "without").append(" pg_read_all_stats)\n\n");
		long limit = server.isEmpty() ? 0 : server.get(0)[3];
		long mostClients = server.stream().mapToLong((s) -> s[1]).max().orElse(0);
		long mostFleet = server.stream().mapToLong((s) -> s[2]).max().orElse(0);
		List<long[]> busy = members.get(0);
		long busyPeakAlone = busy.stream().filter((s) -> s[0] < lateStart).mapToLong((s) -> s[2]).max().orElse(0);
		out.append("Each JVM: `poolwise-autosize` size 5, overflow 45 (ceiling 50), logging in as the ordinary role `")
			.append(role).append("` (the server refuses it the 3 superuser slots), 60 clients of `")
			.append(Workload.WORK).append("`. JVM 1 busy from 0s; JVMs 2 and 3 idle until ")
			.append(lateStart / 1000.0).append("s, then busy until ").append(end / 1000.0).append("s. The parent ")
			.append("sampled pg_stat_activity every 100ms as a superuser (").append(server.size())
			.append(" samples).\n\n");
		out.append("| measure | value |\n|---|---:|\n");
		out.append("| client sessions on the server, most sampled (all: pools, side connections, sampler) | ")
			.append(mostClients).append(" of ").append(limit).append(" (max_connections 50 - 3 superuser_reserved) |\n");
		out.append("| the application's pool sessions, most sampled | ").append(mostFleet).append(" |\n");
		out.append("| samples above the budget | ").append(server.stream().filter((s) -> s[1] > s[3]).count())
			.append(" |\n");
		out.append("| logins the server refused for want of slots (53300), all JVMs | ")
			.append(members.stream().mapToLong((lines) -> lines.isEmpty() ? 0 : lines.get(lines.size() - 1)[6]).sum())
			.append(" |\n");
		out.append("| JVM 1 connections while the others idle, most | ").append(busyPeakAlone).append(" |\n");
		for (int i = 0; i < members.size(); i++) {
			List<long[]> lines = members.get(i);
			long[] last = lines.isEmpty() ? new long[7] : lines.get(lines.size() - 1);
			out.append("| JVM ").append(i + 1).append(" at the end: max / open / guaranteed, borrows, timeouts | ")
				.append(last[1]).append(" / ").append(last[2]).append(" / ").append(last[3]).append(", ")
				.append(last[4]).append(", ").append(last[5]).append(" |\n");
		}
		out.append("| time from the others turning busy until JVM 1 holds at most its guaranteed share + 4 | ")
			.append(yielded(busy, lateStart)).append(" |\n");
		for (int i = 1; i < members.size(); i++) {
			out.append("| time from turning busy until JVM ").append(i + 1)
				.append(" holds its guaranteed share | ").append(reach(members.get(i), lateStart)).append(" |\n");
		}
		out.append("\nTimeline (every second: seconds, client sessions on the server, JVM max/open ...):\n\n```\n");
		for (long second = 0; second * 1000 < end; second++) {
			long at = second * 1000;
			long clients = server.stream().filter((s) -> s[0] >= at && s[0] < at + 1000).mapToLong((s) -> s[1]).max()
				.orElse(-1);
			out.append(String.format(Locale.ROOT, "%3ds %3d |", second, clients));
			for (List<long[]> lines : members) {
				long[] state = lines.stream().filter((s) -> s[0] >= at).findFirst().orElse(new long[7]);
				out.append(String.format(Locale.ROOT, " %2d/%2d", state[1], state[2]));
			}
			out.append('\n');
		}
		out.append("```\n\n");
	}

	private static String yielded(List<long[]> busy, long lateStart) {
		for (long[] state : busy) {
			if (state[0] >= lateStart && state[3] > 0 && state[2] <= state[3] + 4) {
				return format("%.1fs", (state[0] - lateStart) / 1000.0);
			}
		}
		return "not within the run";
	}

	private static String reach(List<long[]> member, long lateStart) {
		for (long[] state : member) {
			if (state[0] >= lateStart && state[3] > 0 && state[2] >= state[3]) {
				return format("%.1fs", (state[0] - lateStart) / 1000.0);
			}
		}
		return "not within the run";
	}

	static String format(String format, Object... args) {
		return String.format(Locale.ROOT, format, args);
	}

}
