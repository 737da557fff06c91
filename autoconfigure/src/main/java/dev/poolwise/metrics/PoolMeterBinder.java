package dev.poolwise.metrics;

import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

import dev.poolwise.login.LoginFailures;
import dev.poolwise.metrics.ServerStatistics.Scope;
import dev.poolwise.metrics.ServerStatistics.State;
import dev.poolwise.pool.PoolStatistics;
import dev.poolwise.pool.QueuedPool;
import dev.poolwise.tls.CertificateInfo;
import dev.poolwise.tls.PoolTls;
import dev.poolwise.tuned.TunedPool;
import dev.poolwise.tuned.TunedPools;

/**
 * Poolwise's meters for every tuned pool, tagged only with {@code pool} (Hikari's pool name, as on the
 * {@code hikaricp.*} meters) and, for session counts, {@code state} and {@code scope}. Every gauge reads
 * memory: Hikari's counters, Hikari's timers, or the sampler's last result. None of them touches the server,
 * so a scrape costs no connection and cannot hang on a slow database. Server meters read NaN when there is
 * no sample (yet, or since a failed one).
 */
public class PoolMeterBinder implements MeterBinder {

	private final TunedPools pools;

	private final PoolSizeAdvisor advisor;

	private final @Nullable ServerStatisticsSampler sampler;

	/**
	 * @param pools the pools to instrument
	 * @param advisor source of {@code db.pool.size.recommended}
	 * @param sampler source of the {@code db.pool.server.*} meters, or null when sampling is off
	 */
	public PoolMeterBinder(TunedPools pools, PoolSizeAdvisor advisor, @Nullable ServerStatisticsSampler sampler) {
		this.pools = pools;
		this.advisor = advisor;
		this.sampler = sampler;
	}

	private static double turnedAway(HikariDataSource pool) {
		return (pool instanceof QueuedPool queued) ? queued.line().turnedAway() : 0;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		for (TunedPool pool : this.pools.all()) {
			HikariDataSource dataSource = pool.dataSource();
			HikariTimers.track(dataSource, registry);
			String poolName = dataSource.getPoolName();
			Tags tags = Tags.of("pool", poolName);
			Gauge.builder("db.pool.utilization", dataSource, (ds) -> PoolStatistics.of(ds).utilization())
				.tags(tags)
				.description("Active connections divided by the pool maximum")
				.register(registry);
			Gauge.builder("db.pool.overflow.active", dataSource, (ds) -> PoolStatistics.of(ds).overflowActive())
				.tags(tags)
				.description("Open connections above the permanent size")
				.register(registry);
			Gauge.builder("db.pool.queue.waiting", dataSource, (ds) -> PoolStatistics.of(ds).pending())
				.tags(tags)
				.description("Callers waiting for a connection, in the pool's fair line and in Hikari's borrow")
				.register(registry);
			FunctionCounter.builder("db.pool.queue.turned.away", dataSource, PoolMeterBinder::turnedAway)
				.tags(tags)
				.description("Borrows that failed at once because as many waited as db.pool.queue.max-waiting allows")
				.register(registry);
			FunctionCounter.builder("db.pool.login.failures", pool.logins(), LoginFailures::count)
				.tags(tags)
				.description("Logins of new pool connections the server rejected (SQLSTATE class 28)")
				.register(registry);
			Gauge.builder("db.pool.size.recommended", this.advisor, (advisor) -> recommended(advisor, poolName))
				.tags(tags)
				.description("Connections the measured load needs (Little's law with 1.5x headroom)")
				.register(registry);
			if (this.sampler != null) {
				bindServer(registry, pool.beanName(), tags);
			}
			PoolTls tls = pool.tls();
			if (tls != null) {
				expiry(registry, tls, tags.and("certificate", "server"), PoolTls::serverCertificate);
				expiry(registry, tls, tags.and("certificate", "client"), PoolTls::clientCertificate);
			}
		}
	}

	/**
	 * Time left on a certificate in seconds, Micrometer's base unit for time (Prometheus shows
	 * {@code db_pool_ssl_certificate_expiry_seconds}); negative once expired, NaN while unknown.
	 */
	private static void expiry(MeterRegistry registry, PoolTls tls, Tags tags,
			Function<PoolTls, @Nullable CertificateInfo> certificate) {
		TimeGauge.builder("db.pool.ssl.certificate.expiry", tls, TimeUnit.SECONDS, (value) -> {
			CertificateInfo info = certificate.apply(value);
			return (info != null) ? info.remaining(Instant.now()).toSeconds() : Double.NaN;
		}).tags(tags).description("Time until the certificate expires, negative once it has").register(registry);
	}

	private static double recommended(PoolSizeAdvisor advisor, String poolName) {
		PoolSizeRecommendation recommendation = advisor.recommend(poolName);
		return (recommendation != null) ? recommendation.recommendedSize() : Double.NaN;
	}

	private void bindServer(MeterRegistry registry, String beanName, Tags tags) {
		for (Scope scope : Scope.values()) {
			for (State state : State.values()) {
				Gauge.builder("db.pool.server.connections", this.sampler,
						server(beanName, (statistics) -> statistics.sessions(scope, state)))
					.tags(tags.and("state", state.tag(), "scope", scope.tag()))
					.description("Server sessions by state, of this application or of the whole database")
					.register(registry);
			}
		}
		Gauge
			.builder("db.pool.server.connections.max", this.sampler,
					server(beanName, ServerStatistics::maxConnections))
			.tags(tags)
			.description("Connections the server allows applications: max_connections less reserved slots")
			.register(registry);
		Gauge.builder("db.pool.server.waiting", this.sampler, server(beanName, ServerStatistics::waiting))
			.tags(tags)
			.description("Sessions in the database waiting for a lock")
			.register(registry);
		seconds(registry, "db.pool.server.oldest.transaction",
				server(beanName, ServerStatistics::oldestTransactionSeconds), tags,
				"Age of the oldest open transaction in the database");
		seconds(registry, "db.pool.server.oldest.query", server(beanName, ServerStatistics::oldestQuerySeconds), tags,
				"Run time of the longest running statement in the database");
	}

	private void seconds(MeterRegistry registry, String name, ToDoubleFunction<ServerStatisticsSampler> value,
			Tags tags, String description) {
		TimeGauge.builder(name, this.sampler, TimeUnit.SECONDS, value)
			.tags(tags)
			.description(description)
			.register(registry);
	}

	private static ToDoubleFunction<ServerStatisticsSampler> server(String beanName,
			ToDoubleFunction<ServerStatistics> value) {
		return (sampler) -> {
			ServerStatistics statistics = sampler.latest(beanName);
			return (statistics != null) ? value.applyAsDouble(statistics) : Double.NaN;
		};
	}

}
