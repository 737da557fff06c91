package dev.poolwise.benchmarks.harness;

import java.io.IOException;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.zaxxer.hikari.HikariPoolMXBean;
import org.HdrHistogram.Histogram;

/**
 * How fast {@code /actuator/health} and {@code /actuator/prometheus} answer while every connection of
 * the Poolwise application's pool is taken and threads queue for one: the moment an operator looks.
 * @param holdMillis how long each client keeps its connection after the read; 0 for a closed loop that
 * also saturates the CPU
 * @param withPoolwiseEndpoints whether Poolwise's health indicator and sampler were on; off, the same
 * calls show what the machine itself allows
 * @param latencies per path, the latencies of the sequential GETs in nanoseconds
 * @param pending the pool's waiting threads seen at each call
 */
public record EndpointLatency(long holdMillis, boolean withPoolwiseEndpoints, Map<String, Histogram> latencies,
		Histogram pending) {

	public static final List<String> PATHS = List.of(Scraper.HEALTH, Scraper.PROMETHEUS);

	public static final int CLIENTS = 100;

	public static EndpointLatency measure(BenchmarkDatabase database, int accounts, int calls, long holdMillis,
			boolean withPoolwiseEndpoints) throws IOException, InterruptedException, SQLException {
		Map<String, Histogram> latencies = new LinkedHashMap<>();
		Histogram pending = new Histogram(3);
		Map<String, String> overrides = withPoolwiseEndpoints ? Map.of()
				: Map.of("management.health.dbpool.enabled", "false", "db.pool.monitor.enabled", "false");
		try (RunningApplication application = Applications.poolwise(database, overrides)) {
			// Hikari starts the pool, and its MXBean, on the first borrow
			application.dataSource().getConnection().close();
			ClientLoad load = new ClientLoad(application.dataSource()::getConnection, CLIENTS, false, accounts,
					holdMillis);
			load.start();
			try {
				HikariPoolMXBean pool = application.dataSource().getHikariPoolMXBean();
				awaitSaturation(pool);
				PATHS.forEach((path) -> latencies.put(path, TrialResult.newHistogram()));
				for (int i = 0; i < calls; i++) {
					for (String path : PATHS) {
						pending.recordValue(pool.getThreadsAwaitingConnection());
						long started = System.nanoTime();
						int status = application.scraper().get(path);
						latencies.get(path).recordValue(System.nanoTime() - started);
						if (status != 200) {
							throw new IllegalStateException(path + " answered " + status + " under saturation");
						}
					}
				}
			}
			finally {
				load.stop();
			}
		}
		return new EndpointLatency(holdMillis, withPoolwiseEndpoints, latencies, pending);
	}

	public static void awaitSaturation(HikariPoolMXBean pool) throws InterruptedException {
		long deadline = System.nanoTime() + 30_000_000_000L;
		while (pool.getThreadsAwaitingConnection() == 0 || pool.getIdleConnections() > 0) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("The pool did not saturate under " + CLIENTS + " clients");
			}
			Thread.sleep(10);
		}
	}

	public double p99Millis(String path) {
		return this.latencies.get(path).getValueAtPercentile(99) / 1e6;
	}

}
