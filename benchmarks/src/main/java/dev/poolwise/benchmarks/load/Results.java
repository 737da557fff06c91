package dev.poolwise.benchmarks.load;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Every trial of a run, kept in run order, and their medians: the machine is shared, so one trial says
 * little and the median of alternated repeats says more.
 */
final class Results {

	private final Map<Variant, Map<Clients, List<TrialResult>>> trials = new EnumMap<>(Variant.class);

	void add(Variant variant, Clients clients, TrialResult result) {
		this.trials.computeIfAbsent(variant, (key) -> new LinkedHashMap<>())
			.computeIfAbsent(clients, (key) -> new ArrayList<>())
			.add(result);
	}

	List<TrialResult> all(Variant variant, Clients clients) {
		return this.trials.getOrDefault(variant, Map.of()).getOrDefault(clients, List.of());
	}

	boolean has(Variant variant, Clients clients) {
		return !all(variant, clients).isEmpty();
	}

	/**
	 * The median of one measure over the repeats, each measure taken on its own.
	 */
	double median(Variant variant, Clients clients, ToDoubleFunction<TrialResult> measure) {
		return median(all(variant, clients).stream().mapToDouble(measure).boxed().toList());
	}

	long errors(Variant variant, Clients clients) {
		return all(variant, clients).stream().mapToLong(TrialResult::errors).sum();
	}

	static double median(List<Double> values) {
		if (values.isEmpty()) {
			return Double.NaN;
		}
		List<Double> sorted = values.stream().sorted().toList();
		int middle = sorted.size() / 2;
		return (sorted.size() % 2 == 1) ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
	}

}
