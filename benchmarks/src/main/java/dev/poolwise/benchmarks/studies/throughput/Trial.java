package dev.poolwise.benchmarks.studies.throughput;

import java.io.IOException;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.Properties;

import dev.poolwise.benchmarks.harness.BenchmarkDatabase;
import dev.poolwise.benchmarks.harness.ClientLoad;
import dev.poolwise.benchmarks.harness.Clients;
import dev.poolwise.benchmarks.harness.PgBench;
import dev.poolwise.benchmarks.harness.TrialResult;
import dev.poolwise.benchmarks.harness.Variant;

/**
 * One trial of a reference variant (unpooled, pgbench) at a client count: warm-up, then a measured
 * window. References run as separate trials; the pooled variants run interleaved in {@link PooledRounds}.
 */
final class Trial {

	private final BenchmarkDatabase database;

	private final int accounts;

	private final Duration warmup;

	private final Duration measure;

	Trial(BenchmarkDatabase database, int accounts, Duration warmup, Duration measure) {
		this.database = database;
		this.accounts = accounts;
		this.warmup = warmup;
		this.measure = measure;
	}

	TrialResult run(Variant variant, Clients clients) throws IOException, InterruptedException {
		return switch (variant) {
			case UNPOOLED -> unpooled(clients);
			case PGBENCH -> PgBench.measure(this.database, clients.count(), this.warmup, this.measure);
			default -> throw new IllegalArgumentException(variant + " runs in PooledRounds");
		};
	}

	private TrialResult unpooled(Clients clients) throws InterruptedException {
		String url = this.database.jdbcUrl(BenchmarkDatabase.DATABASE);
		Properties credentials = this.database.credentials();
		return ClientLoad.measure(() -> DriverManager.getConnection(url, credentials), clients.count(),
				clients.virtual(), this.accounts, this.warmup, this.measure);
	}

}
