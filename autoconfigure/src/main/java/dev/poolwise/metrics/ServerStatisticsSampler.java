package dev.poolwise.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;

import dev.poolwise.tls.PoolTls;
import dev.poolwise.tuned.TunedPool;
import dev.poolwise.tuned.TunedPools;

/**
 * Samples server-side session statistics of every tuned pool in the background, one query per pool and
 * interval, and keeps the last result in memory. Meters and scrapes only read that result, so a slow or
 * unreachable server never blocks a scrape; sampling starts with the context and stops when it closes.
 */
public class ServerStatisticsSampler implements SmartLifecycle {

	private final TunedPools pools;

	private final Map<String, ServerMonitor> monitors = new ConcurrentHashMap<>();

	private volatile boolean running;

	/**
	 * @param pools the pools to sample, each at its own {@code monitor.interval}, those with monitoring
	 * switched off left out
	 */
	public ServerStatisticsSampler(TunedPools pools) {
		this.pools = pools;
	}

	@Override
	public void start() {
		for (TunedPool pool : this.pools.all()) {
			if (pool.settings().monitor().enabled()) {
				PoolTls tls = pool.tls();
				ServerMonitor monitor = new ServerMonitor(pool.dataSource(), (tls != null) ? tls::generation : () -> 0);
				this.monitors.put(pool.beanName(), monitor);
				monitor.start(pool.settings().monitor().interval());
			}
		}
		this.running = true;
	}

	/**
	 * Stops sampling. The last samples stay readable.
	 */
	@Override
	public void stop() {
		this.running = false;
		this.monitors.values().forEach(ServerMonitor::stop);
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/**
	 * The last sample of one pool's server, from memory.
	 * @param beanName the pool's DataSource bean
	 * @return the statistics, or null if there is no successful sample (yet, or since the last failure)
	 */
	public @Nullable ServerStatistics latest(String beanName) {
		ServerMonitor monitor = this.monitors.get(beanName);
		return (monitor != null) ? monitor.latest() : null;
	}

}
