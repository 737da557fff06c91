package dev.poolwise.autosize;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;

import dev.poolwise.registry.JvmPoolRegistry;
import dev.poolwise.tuned.TunedPool;
import dev.poolwise.tuned.TunedPools;

/**
 * The autosize controllers of one application context, one per tuned pool with
 * {@code db.pool.autosize.enabled}: they start with the context and stop, withdrawing their claims on the
 * connection budget, when it closes.
 */
public class Autosizers implements SmartLifecycle, AutosizeControls {

	private final TunedPools pools;

	private final MeterRegistry registry;

	private final Map<String, PoolAutosizer> autosizers = new ConcurrentHashMap<>();

	private volatile boolean running;

	/**
	 * @param pools the tuned pools
	 * @param registry where the controllers' meters go
	 */
	public Autosizers(TunedPools pools, MeterRegistry registry) {
		this.pools = pools;
		this.registry = registry;
	}

	@Override
	public void start() {
		for (TunedPool pool : this.pools.all()) {
			if (pool.settings().autosize().enabled()) {
				String claimId = (pool.budget() != null)
						? JvmPoolRegistry.get().instanceId() + ":" + pool.beanName().replaceAll("[^A-Za-z0-9_.-]", "_")
						: null;
				PoolAutosizer autosizer = new PoolAutosizer(pool.dataSource(), pool.beanName(),
						pool.tuning().maxPoolSize(), pool.settings().autosize(), claimId, pool.settings().instances(),
						this.registry, pool.logins());
				this.autosizers.put(pool.beanName(), autosizer);
				autosizer.start();
			}
		}
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		this.autosizers.values().forEach(PoolAutosizer::stop);
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public @Nullable AutosizeState state(String beanName) {
		PoolAutosizer autosizer = this.autosizers.get(beanName);
		return (autosizer != null) ? autosizer.state() : null;
	}

	@Override
	public @Nullable String resizeManually(String beanName, int max, Runnable resize) {
		PoolAutosizer autosizer = this.autosizers.get(beanName);
		return (autosizer != null) ? autosizer.pause(max, resize) : null;
	}

}
