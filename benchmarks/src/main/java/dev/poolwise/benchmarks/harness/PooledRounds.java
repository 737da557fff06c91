package dev.poolwise.benchmarks.harness;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Spring Boot applications at one client count, started side by side and measured in short alternating
 * bursts (A B C, B C A, C A B, ...). On a shared machine throughput drifts by tens of percent within a
 * minute; bursts a second apart see the same drift, so their ratios are stable where separate trials are
 * not. While one application is measured the others are idle and their scrapers pause; a Poolwise
 * application's sampler keeps its query a second.
 */
public final class PooledRounds {

	private final int accounts;

	private final int rounds;

	private final Duration burstWarmup;

	private final Duration burst;

	public PooledRounds(int accounts, int rounds, Duration burst) {
		this.accounts = accounts;
		this.rounds = rounds;
		this.burstWarmup = burst.dividedBy(4);
		this.burst = burst;
	}

	/**
	 * Warms every application with one burst, then runs the rounds.
	 * @param applications the applications, each under its key
	 * @param clients the client count
	 * @param sink told of every measured burst, in run order
	 * @return CPU milliseconds per second that Poolwise's own threads used during the rounds
	 */
	public <K> double run(Map<K, RunningApplication> applications, Clients clients, Sink<K> sink)
			throws InterruptedException {
		List<K> keys = new ArrayList<>(applications.keySet());
		for (K key : keys) {
			burst(applications, key, clients, this.burst);
		}
		long cpuBefore = PoolwiseThreads.cpuNanos();
		long started = System.nanoTime();
		for (int round = 0; round < this.rounds; round++) {
			for (int i = 0; i < keys.size(); i++) {
				K key = keys.get((round + i) % keys.size());
				sink.accept(round + 1, key, burst(applications, key, clients, this.burstWarmup));
			}
		}
		double cpuMillisPerSecond = (PoolwiseThreads.cpuNanos() - cpuBefore) / 1e6
				/ ((System.nanoTime() - started) / 1e9);
		applications.forEach((key, application) -> {
			Scraper scraper = application.scraper();
			if (scraper != null && scraper.failures() > 0) {
				throw new IllegalStateException(scraper.failures() + " of " + scraper.scrapes() + " scrapes of "
						+ key + " failed");
			}
		});
		return cpuMillisPerSecond;
	}

	private <K> TrialResult burst(Map<K, RunningApplication> applications, K key, Clients clients,
			Duration warmup) throws InterruptedException {
		RunningApplication application = applications.get(key);
		applications.values().forEach((each) -> each.scraping(each == application));
		return ClientLoad.measure(application.dataSource()::getConnection, clients.count(), clients.virtual(),
				this.accounts, warmup, this.burst);
	}

	/**
	 * Told of every measured burst.
	 */
	@FunctionalInterface
	public interface Sink<K> {

		void accept(int round, K key, TrialResult result);

	}

}
