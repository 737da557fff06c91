package dev.poolwise.benchmarks.load;

import java.io.IOException;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.Properties;

/**
 * One measured trial: a variant at a client count, started from nothing and torn down afterwards, so no
 * variant runs beside another's pool, sampler or scraper.
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
			case BOOT -> pooled(Applications.bootDefault(this.database), clients);
			case POOLWISE -> pooled(Applications.poolwise(this.database), clients);
			case PGBENCH -> PgBench.measure(this.database, clients.count(), this.warmup, this.measure);
		};
	}

	private TrialResult unpooled(Clients clients) throws InterruptedException {
		String url = this.database.jdbcUrl(BenchmarkDatabase.DATABASE);
		Properties credentials = this.database.credentials();
		return ClientLoad.measure(() -> DriverManager.getConnection(url, credentials), clients.count(),
				clients.virtual(), this.accounts, this.warmup, this.measure);
	}

	private TrialResult pooled(RunningApplication application, Clients clients) throws InterruptedException {
		try (application) {
			TrialResult result = ClientLoad.measure(application.dataSource()::getConnection, clients.count(),
					clients.virtual(), this.accounts, this.warmup, this.measure);
			if (application.scraper() != null && application.scraper().failures() > 0) {
				throw new IllegalStateException(application.scraper().failures() + " of "
						+ application.scraper().scrapes() + " scrapes failed during the Poolwise trial");
			}
			return result;
		}
	}

}
