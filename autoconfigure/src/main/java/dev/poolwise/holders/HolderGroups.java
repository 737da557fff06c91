package dev.poolwise.holders;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

/**
 * The holders of a pool in one line: grouped by where in the application each thread is now, the group
 * holding the longest first, each with what its backends are doing. Thread names are named; stacks and
 * query texts are not.
 */
final class HolderGroups {

	private HolderGroups() {
	}

	/**
	 * Describes the holders.
	 * @param holders the holders, longest held first
	 * @param backends their backends by pid, or null to leave the backends out
	 * @param backendError why the backends could not be read, or null
	 * @return e.g. {@code 2 of 3 held from `OrderService.export`, 3.1-3.2 s: 2 idle in transaction
	 * 3.0-3.1 s (threads http-1 pid 31, http-2 pid 32)}
	 */
	static String describe(List<Holder> holders, @Nullable Map<Integer, Backend> backends,
			@Nullable String backendError) {
		if (holders.isEmpty()) {
			return "no lent connection could be read";
		}
		Map<String, List<Holder>> groups = new LinkedHashMap<>();
		holders.forEach((holder) -> groups.computeIfAbsent(holder.where(), (where) -> new ArrayList<>()).add(holder));
		List<String> described = new ArrayList<>();
		groups.forEach((where, group) -> described.add(group.size() + " of " + holders.size() + " held from `" + where
				+ "`, " + range(group.stream().map((holder) -> seconds(holder.held())).toList())
				+ ((backends != null) ? ": " + states(group, backends, backendError) : "") + " (" + threads(group)
				+ ")"));
		return String.join("; ", described);
	}

	private static String states(List<Holder> group, Map<Integer, Backend> backends, @Nullable String backendError) {
		Map<String, List<Double>> byState = new LinkedHashMap<>();
		Map<String, String> waits = new LinkedHashMap<>();
		for (Holder holder : group) {
			Backend backend = (holder.pid() != null) ? backends.get(holder.pid()) : null;
			if (backend == null) {
				String unknown = (backendError != null) ? "backend not read" : "no session on the server";
				byState.computeIfAbsent(unknown, (key) -> new ArrayList<>()).add(Double.NaN);
				continue;
			}
			String waiting = "active".equals(backend.state()) ? backend.waitingFor() : null;
			String key = backend.kind() + ((waiting != null) ? "\u0000" + waiting : "");
			byState.computeIfAbsent(key, (state) -> new ArrayList<>()).add(backend.stateSeconds());
			if (waiting != null) {
				waits.put(key, waiting);
			}
		}
		List<String> states = new ArrayList<>();
		byState.forEach((key, seconds) -> {
			String count = (seconds.size() > 1) ? seconds.size() + " " : "";
			if (seconds.get(0).isNaN()) {
				states.add(count + key);
				return;
			}
			String waiting = waits.get(key);
			String kind = (waiting != null) ? key.substring(0, key.indexOf('\u0000')) : key;
			states.add(count + kind + " for " + range(seconds)
					+ ((waiting != null) ? ", waiting on " + waiting : ""));
		});
		return String.join(", ", states);
	}

	private static String threads(List<Holder> group) {
		return ((group.size() > 1) ? "threads " : "thread ") + group.stream()
			.map((holder) -> holder.threadName() + ((holder.pid() != null) ? " pid " + holder.pid() : ""))
			.collect(Collectors.joining(", "));
	}

	private static double seconds(Duration duration) {
		return duration.toMillis() / 1000.0;
	}

	/**
	 * A range of seconds with one decimal, written once when both ends read alike.
	 */
	static String range(List<Double> seconds) {
		double min = seconds.stream().mapToDouble(Double::doubleValue).min().orElse(0);
		double max = seconds.stream().mapToDouble(Double::doubleValue).max().orElse(0);
		String low = String.format(Locale.ROOT, "%.1f", min);
		String high = String.format(Locale.ROOT, "%.1f", max);
		return (low.equals(high) ? high : low + "-" + high) + " s";
	}

}
