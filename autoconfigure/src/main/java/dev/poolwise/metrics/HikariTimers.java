package dev.poolwise.metrics;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.micrometer.core.instrument.MeterRegistry;

import dev.poolwise.holders.HolderTracking;

/**
 * Hikari's own {@code hikaricp.*} meters for a pool, as Spring Boot's Hikari meter binder sets them up: a
 * Micrometer tracker, only on a pool that has no tracker or metric registry of the user's. A pool whose
 * holders Poolwise tracks has Poolwise's tracker already, which Spring Boot's binder then leaves alone, so
 * Micrometer's is attached behind it here.
 */
final class HikariTimers {

	private HikariTimers() {
	}

	static void track(HikariDataSource pool, MeterRegistry registry) {
		HolderTracking holders = HolderTracking.of(pool);
		if (holders != null) {
			holders.attach(new MicrometerMetricsTrackerFactory(registry));
		}
		else if (pool.getMetricRegistry() == null && pool.getMetricsTrackerFactory() == null) {
			pool.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(registry));
		}
	}

}
