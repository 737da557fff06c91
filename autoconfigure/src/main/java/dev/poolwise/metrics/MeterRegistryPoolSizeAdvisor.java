package dev.poolwise.metrics;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.jspecify.annotations.Nullable;

/**
 * Measures each pool's load from the timers Hikari itself records in the meter registry
 * ({@code hikaricp.connections.acquire} counts hand-outs, {@code hikaricp.connections.usage} times how long
 * connections are held), so every acquisition counts, not just those a sampler happens to see. Windows are
 * fixed in length and roll forward when read, whoever reads them, so scrapes and the endpoint see the same
 * recommendation.
 */
public class MeterRegistryPoolSizeAdvisor implements PoolSizeAdvisor {

	private final MeterRegistry registry;

	private final Duration window;

	private final Clock clock;

	private final long startNanos;

	private final Map<String, Window> windows = new ConcurrentHashMap<>();

	/**
	 * @param registry the registry Hikari records its timers in
	 * @param window shortest measurement window
	 */
	public MeterRegistryPoolSizeAdvisor(MeterRegistry registry, Duration window) {
		this.registry = registry;
		this.window = window;
		this.clock = registry.config().clock();
		this.startNanos = this.clock.monotonicTime();
	}

	@Override
	public @Nullable PoolSizeRecommendation recommend(String poolName) {
		Timer acquire = this.registry.find("hikaricp.connections.acquire").tag("pool", poolName).timer();
		Timer usage = this.registry.find("hikaricp.connections.usage").tag("pool", poolName).timer();
		if (acquire == null || usage == null) {
			return null;
		}
		return this.windows.computeIfAbsent(poolName, (name) -> new Window(this.startNanos))
			.advance(this.clock.monotonicTime(), acquire.count(), usage.count(), usage.totalTime(TimeUnit.SECONDS));
	}

	/**
	 * Totals at the start of the current window and the recommendation of the last complete one. Hikari's
	 * timers start at zero when its pool starts, after this advisor exists, so the first window starts at
	 * zero.
	 */
	private final class Window {

		private long startNanos;

		private long acquisitions;

		private long usages;

		private double usageSeconds;

		private @Nullable PoolSizeRecommendation last;

		Window(long startNanos) {
			this.startNanos = startNanos;
		}

		synchronized @Nullable PoolSizeRecommendation advance(long nowNanos, long acquisitions, long usages,
				double usageSeconds) {
			Duration elapsed = Duration.ofNanos(nowNanos - this.startNanos);
			if (elapsed.compareTo(MeterRegistryPoolSizeAdvisor.this.window) >= 0) {
				this.last = new PoolSizeRecommendation(Math.max(0, acquisitions - this.acquisitions),
						Math.max(0, usages - this.usages), Math.max(0, usageSeconds - this.usageSeconds), elapsed);
				this.startNanos = nowNanos;
				this.acquisitions = acquisitions;
				this.usages = usages;
				this.usageSeconds = usageSeconds;
			}
			return this.last;
		}

	}

}
