package dev.poolwise.metrics;

import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

import dev.poolwise.pool.PoolStatistics;
import dev.poolwise.tuned.TunedPool;
import dev.poolwise.tuned.TunedPools;

/**
 * The OpenTelemetry semantic conventions for connection pools ({@code db.client.connection.*}), which no pool
 * emits natively, published from what Hikari already counts and times: its counters through
 * {@link PoolStatistics}, its {@code hikaricp.connections.*} timers and timeout counter through function meters
 * that read them, so nothing is measured twice. The timers are looked up when read, because Hikari registers
 * them only once its pool starts.
 */
public class OpenTelemetryPoolMeterBinder implements MeterBinder {

	private static final String POOL_NAME = "db.client.connection.pool.name";

	private static final String STATE = "db.client.connection.state";

	private final TunedPools pools;

	/**
	 * @param pools the pools to instrument
	 */
	public OpenTelemetryPoolMeterBinder(TunedPools pools) {
		this.pools = pools;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		for (TunedPool pool : this.pools.all()) {
			HikariDataSource dataSource = pool.dataSource();
			String poolName = dataSource.getPoolName();
			Tags tags = Tags.of(POOL_NAME, poolName);
			gauge(registry, "db.client.connection.count", tags.and(STATE, "idle"), dataSource,
					(ds) -> PoolStatistics.of(ds).idle(), "Connections that are idle in the pool");
			gauge(registry, "db.client.connection.count", tags.and(STATE, "used"), dataSource,
					(ds) -> PoolStatistics.of(ds).active(), "Connections that are lent out");
			gauge(registry, "db.client.connection.max", tags, dataSource, HikariDataSource::getMaximumPoolSize,
					"Most open connections allowed");
			gauge(registry, "db.client.connection.idle.max", tags, dataSource, HikariDataSource::getMaximumPoolSize,
					"Most idle open connections allowed");
			gauge(registry, "db.client.connection.idle.min", tags, dataSource, HikariDataSource::getMinimumIdle,
					"Fewest idle open connections kept");
			gauge(registry, "db.client.connection.pending_requests", tags, dataSource,
					(ds) -> PoolStatistics.of(ds).pending(), "Requests waiting for an open connection");
			HikariMeters hikari = new HikariMeters(registry, poolName);
			FunctionCounter.builder("db.client.connection.timeouts", dataSource, (ds) -> hikari.timeouts())
				.tags(tags)
				.description("Connection requests that timed out")
				.register(registry);
			time(registry, "db.client.connection.create_time", "hikaricp.connections.creation", dataSource, hikari,
					tags, "Time it took to create a new connection");
			time(registry, "db.client.connection.wait_time", "hikaricp.connections.acquire", dataSource, hikari,
					tags, "Time it took to obtain an open connection from the pool");
			time(registry, "db.client.connection.use_time", "hikaricp.connections.usage", dataSource, hikari, tags,
					"Time between borrowing a connection and returning it to the pool");
		}
	}

	private static void gauge(MeterRegistry registry, String name, Tags tags, HikariDataSource dataSource,
			ToDoubleFunction<HikariDataSource> value, String description) {
		Gauge.builder(name, dataSource, value).tags(tags).description(description).register(registry);
	}

	/**
	 * Function meters hold their object weakly, so each reads through the pool, which its context holds, and
	 * reaches Hikari's meters through the function.
	 */
	private static void time(MeterRegistry registry, String name, String hikariTimer, HikariDataSource dataSource,
			HikariMeters hikari, Tags tags, String description) {
		FunctionTimer
			.builder(name, dataSource, (ds) -> hikari.count(hikariTimer), (ds) -> hikari.totalSeconds(hikariTimer),
					TimeUnit.SECONDS)
			.tags(tags)
			.description(description)
			.register(registry);
	}

	/**
	 * Hikari's own meters of one pool, found in the registry when read.
	 */
	private record HikariMeters(MeterRegistry registry, String poolName) {

		long count(String timer) {
			Timer found = timer(timer);
			return (found != null) ? found.count() : 0;
		}

		double totalSeconds(String timer) {
			Timer found = timer(timer);
			return (found != null) ? found.totalTime(TimeUnit.SECONDS) : 0;
		}

		double timeouts() {
			Counter found = this.registry.find("hikaricp.connections.timeout").tag("pool", this.poolName).counter();
			return (found != null) ? found.count() : 0;
		}

		private @Nullable Timer timer(String name) {
			return this.registry.find(name).tag("pool", this.poolName).timer();
		}

	}

}
