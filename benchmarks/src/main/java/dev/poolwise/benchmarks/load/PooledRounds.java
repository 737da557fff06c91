package dev.poolwise.benchmarks.load;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The pooled variants at one client count, all three applications started side by side and measured in
 * short alternating bursts (A B C, B C A, C A B, ...). On a shared machine throughput drifts by tens of
 * percent within a minute; bursts a second apart see the same drift, so their ratios are stable where
 * separate trials are not. While one application is measured the others are idle and their scrapers
 * pause; the Poolwise application's sampler keeps its one query a second.
 */
final class PooledRounds {

	static final List<Variant> POOLED = List.of(Variant.BOOT, Variant.HAND_TUNED, Variant.POOLWISE);

	private final BenchmarkDatabase database;

	private final int accounts;

	private final int rounds;

	private final Duration burstWarmup;

	private final Duration burst;

	PooledRounds(BenchmarkDatabase database, int accounts, int rounds, Duration burst) {
		this.database = database;
		this.accounts = accounts;
		this.rounds = rounds;
		this.burstWarmup = burst.dividedBy(4);
		this.burst = burst;
	}

	void run(Clients clients, Results results, Progress progress) throws InterruptedException {
		Map<Variant, RunningApplication> applications = new EnumMap<>(Variant.class);
		try {
			applications.put(Variant.BOOT, Applications.bootDefault(this.database));
			applications.put(Variant.POOLWISE, Applications.poolwise(this.database));
			applications.put(Variant.HAND_TUNED,
					Applications.handTuned(this.database, applications.get(Variant.POOLWISE).dataSource()));
			for (Variant variant : POOLED) {
				burst(applications, variant, clients, this.burst);
			}
			long cpuBefore = PoolwiseThreads.cpuNanos();
			long started = System.nanoTime();
			for (int round = 0; round < this.rounds; round++) {
				for (int i = 0; i < POOLED.size(); i++) {
					Variant variant = POOLED.get((round + i) % POOLED.size());
					TrialResult result = burst(applications, variant, clients, this.burstWarmup);
					results.add(variant, clients, result);
					progress.trial(round + 1, clients, variant, result);
				}
			}
			results.poolwiseThreadCpu(clients, (PoolwiseThreads.cpuNanos() - cpuBefore) / 1e6,
					(System.nanoTime() - started) / 1e9);
			for (Variant variant : List.of(Variant.HAND_TUNED, Variant.POOLWISE)) {
				Scraper scraper = applications.get(variant).scraper();
				if (scraper.failures() > 0) {
					throw new IllegalStateException(scraper.failures() + " of " + scraper.scrapes() + " scrapes of "
							+ variant.label() + " failed");
				}
			}
		}
		finally {
			applications.values().forEach(RunningApplication::close);
		}
	}

	private TrialResult burst(Map<Variant, RunningApplication> applications, Variant variant, Clients clients,
			Duration warmup) throws InterruptedException {
		RunningApplication application = applications.get(variant);
		applications.values().forEach((each) -> each.scraping(each == application));
		return ClientLoad.measure(application.dataSource()::getConnection, clients.count(), clients.virtual(),
				this.accounts, warmup, this.burst);
	}

	/**
	 * Told of every measured trial, for the log.
	 */
	@FunctionalInterface
	interface Progress {

		void trial(int round, Clients clients, Variant variant, TrialResult result);

	}

}
