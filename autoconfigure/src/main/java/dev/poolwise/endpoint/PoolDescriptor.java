package dev.poolwise.endpoint;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.zaxxer.hikari.HikariDataSource;
import org.jspecify.annotations.Nullable;

import dev.poolwise.autosize.AutosizeState;
import dev.poolwise.failover.ConnectedServer;
import dev.poolwise.metrics.PoolSizeRecommendation;
import dev.poolwise.pool.PoolStatistics;
import dev.poolwise.tls.TlsReport;
import dev.poolwise.tuning.PoolTuning;
import dev.poolwise.tuning.Tuned;
import dev.poolwise.validation.Durations;

/**
 * One pool as the {@code dbpool} endpoint describes it.
 *
 * @param url the JDBC URL, masked
 * @param connectedTo the server new connections reach and whether it takes writes, as that server sees
 * itself; null if the server could not be read
 * @param configuration each effective number with where it came from
 * @param driverProperties pgjdbc properties Poolwise set, with where they came from
 * @param session session settings applied to every connection; each value {@code ******} unless show-values
 * allows it
 * @param statistics the pool's own counters now
 * @param holders the threads that hold its connections, longest first; null when the pool's holders are not
 * tracked (it has a Dropwizard or Prometheus metric registry)
 * @param server the server's sessions, as read at its {@code sampledAt}; null if the server could not be read
 * @param indexes index usage of the database; null unless {@code management.endpoint.dbpool.index-usage} is
 * on and the server was read
 * @param serverError why the server could not be read, what the server quoted hidden unless show-values
 * allows it; or null
 * @param recommendation the measured size recommendation and its reasoning
 * @param tls the SSL bundle's TLS with its certificates, or null when the pool has no bundle
 * @param autosize the autosize controller's state and last decisions, null when the pool has none
 */
public record PoolDescriptor(String url, @Nullable ConnectedTo connectedTo, Map<String, Setting> configuration,
		Map<String, Setting> driverProperties, Map<String, Object> session, Statistics statistics,
		@Nullable List<HolderDescriptor> holders, @Nullable ServerReport server, @Nullable IndexUsage indexes,
		@Nullable String serverError, Recommendation recommendation, @Nullable TlsReport tls,
		@Nullable AutosizeState autosize) {

	/**
	 * The same pool with its index usage judged again.
	 * @param indexes the usage
	 * @return the descriptor
	 */
	PoolDescriptor withIndexes(IndexUsage indexes) {
		return new PoolDescriptor(this.url, this.connectedTo, this.configuration, this.driverProperties, this.session,
				this.statistics, this.holders, this.server, indexes, this.serverError, this.recommendation, this.tls,
				this.autosize);
	}

	/** Source of a value changed through the endpoint since startup. */
	static final String RUNTIME_RESIZE = "runtime resize (/actuator/dbpool)";

	/** Source of the working maximum of an autosized pool. */
	static final String AUTOSIZE = "autosize (db.pool.autosize.enabled)";

	/**
	 * @param ceiling the autosize controller's ceiling, whose overflow is the configured one while the
	 * controller moves the working maximum below it; null when the pool is not autosized
	 */
	static Map<String, Setting> configuration(PoolTuning tuning, HikariDataSource pool, @Nullable Integer ceiling) {
		int size = pool.getMinimumIdle();
		int max = pool.getMaximumPoolSize();
		Map<String, Setting> configuration = new LinkedHashMap<>();
		configuration.put("size", live(tuning.size(), size));
		configuration.put("overflow", live(tuning.overflow(), ((ceiling != null) ? ceiling : max) - size));
		configuration.put("max", new Setting(max, (ceiling != null) ? AUTOSIZE : "size + overflow"));
		configuration.put("timeout", Setting.of(tuning.timeout()));
		configuration.put("recycle", Setting.of(tuning.recycle()));
		configuration.put("idle-timeout", Setting.of(tuning.idleTimeout()));
		configuration.put("keepalive", Setting.of(tuning.keepalive()));
		configuration.put("leak-detection-threshold", Setting.of(tuning.leakDetectionThreshold()));
		return configuration;
	}

	private static Setting live(Tuned<Integer> tuned, int live) {
		return new Setting(live, (tuned.value() == live) ? tuned.source() : RUNTIME_RESIZE);
	}

	/**
	 * Where the pool's connections land: behind a proxy or a moved host name this is the real server, and a
	 * demoted primary fenced read-only is not the primary even though it is not in recovery.
	 *
	 * @param server {@code address:port} as the server sees itself
	 * @param primary whether it takes writes
	 * @param inRecovery whether it is a standby
	 */
	public record ConnectedTo(String server, boolean primary, boolean inRecovery) {

		static ConnectedTo of(ConnectedServer server) {
			return new ConnectedTo(server.describe(), server.isPrimary(), server.inRecovery());
		}

	}

	/**
	 * A value and its source.
	 *
	 * @param value the value; durations as written in YAML, e.g. {@code 30s}
	 * @param source {@code default}, {@code worker-count}, or the property that set it
	 */
	public record Setting(Object value, String source) {

		static Setting of(Tuned<?> tuned) {
			Object value = (tuned.value() instanceof Duration duration) ? Durations.format(duration) : tuned.value();
			return new Setting(value, tuned.source());
		}

	}

	/**
	 * The pool's counters.
	 *
	 * @param active connections lent out
	 * @param idle connections ready
	 * @param total connections open
	 * @param pending threads waiting for a connection
	 * @param max most connections the pool may open
	 * @param min permanent connections
	 * @param utilization active / max
	 */
	public record Statistics(int active, int idle, int total, int pending, int max, int min, double utilization) {

		static Statistics of(PoolStatistics statistics) {
			return new Statistics(statistics.active(), statistics.idle(), statistics.total(), statistics.pending(),
					statistics.max(), statistics.min(), statistics.utilization());
		}

	}

	/**
	 * A size recommendation with the numbers behind it; only the reasoning when nothing was measured.
	 *
	 * @param recommendedSize connections the measured load needs
	 * @param connectionsInUse mean connections in use (L)
	 * @param acquisitionsPerSecond connections handed out per second (λ)
	 * @param meanUsageSeconds mean seconds a connection was held (W)
	 * @param headroom factor applied for bursts
	 * @param reasoning what the numbers mean for this pool
	 */
	public record Recommendation(@Nullable Integer recommendedSize, @Nullable Double connectionsInUse,
			@Nullable Double acquisitionsPerSecond, @Nullable Double meanUsageSeconds, @Nullable Double headroom,
			String reasoning) {

		static Recommendation of(@Nullable PoolSizeRecommendation recommendation, PoolStatistics statistics) {
			if (recommendation == null) {
				return new Recommendation(null, null, null, null, null, "No load measured yet: the recommendation "
						+ "needs Micrometer (spring-boot-starter-actuator) and one full db.pool.monitor.interval "
						+ "after the first request for it.");
			}
			return new Recommendation(recommendation.recommendedSize(), recommendation.connectionsInUse(),
					recommendation.acquireRate(), recommendation.meanUsageSeconds(), PoolSizeRecommendation.HEADROOM,
					recommendation.explain(statistics.min(), statistics.max(), statistics.utilization()));
		}

	}

}
