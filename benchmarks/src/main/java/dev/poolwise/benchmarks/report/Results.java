package dev.poolwise.benchmarks.report;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

import dev.poolwise.benchmarks.harness.Clients;
import dev.poolwise.benchmarks.harness.TrialResult;
import dev.poolwise.benchmarks.harness.Variant;

/**
 * Every trial of a run, kept in run order, and their medians: the machine is shared, so one trial says
 * little and the median of alternated repeats says more.
 */
public final class Results {

	private final Map<Variant, Map<Clients, List<TrialResult>>> trials = new EnumMap<>(Variant.class);

	private final Map<Clients, Double> poolwiseThreadCpuMillisPerSecond = new LinkedHashMap<>();

	/**
	 * Records the CPU time Poolwise's own threads used while the pooled variants ran at a client count.
	 */
	public void poolwiseThreadCpu(Clients clients, double cpuMillisPerSecond) {
		this.poolwiseThreadCpuMillisPerSecond.put(clients, cpuMillisPerSecond);
	}

	public Map<Clients, Double> poolwiseThreadCpuMillisPerSecond() {
		return this.poolwiseThreadCpuMillisPerSecond;
	}

	public void add(Variant variant, Clients clients, TrialResult result) {
		this.trials.computeIfAbsent(variant, (key) -> new LinkedHashMap<>())
			.computeIfAbsent(clients, (key) -> new ArrayList<>())
			.add(result);
	}

	public List<TrialResult> all(Variant variant, Clients clients) {
		return this.trials.getOrDefault(variant, Map.of()).getOrDefault(clients, List.of());
	}

	public boolean has(Variant variant, Clients clients) {
		return !all(variant, clients).isEmpty();
	}

	/**
	 * The median of one measure over the repeats, each measure taken on its own.
	 */
	public double median(Variant variant, Clients clients, ToDoubleFunction<TrialResult> measure) {
		return median(all(variant, clients).stream().mapToDouble(measure).boxed().toList());
	}

	/**
	 * The median, over trials run side by side, of one variant's throughput over another's: trial i of
	 * both came from the same round of alternating bursts, so drift of the machine cancels out.
	 */
	public double pairedThroughputRatio(Variant numerator, Variant denominator, Clients clients) {
		return pairedThroughputRatio(all(numerator, clients), all(denominator, clients));
	}

	/**
	 * The median of per-round throughput ratios of two lists of bursts taken in the same rounds.
	 */
	public static double pairedThroughputRatio(List<TrialResult> numerator, List<TrialResult> denominator) {
		List<Double> ratios = new ArrayList<>();
		for (int i = 0; i < Math.min(numerator.size(), denominator.size()); i++) {
			ratios.add(numerator.get(i).throughput() / denominator.get(i).throughput());
		}
		return median(ratios);
	}

	public long errors(Variant variant, Clients clients) {
		return all(variant, clients).stream().mapToLong(TrialResult::errors).sum();
	}

	public static double median(List<Double> values) {
		if (values.isEmpty()) {
			return Double.NaN;
		}
		List<Double> sorted = values.stream().sorted().toList();
		int middle = sorted.size() / 2;
		return (sorted.size() % 2 == 1) ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
	}

}
