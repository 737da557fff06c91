package dev.poolwise.benchmarks.harness;

import com.zaxxer.hikari.HikariDataSource;
import org.jspecify.annotations.Nullable;

import org.springframework.context.ConfigurableApplicationContext;

/**
 * One started application of the comparison, with its pool and, for the Poolwise application, the
 * scraper that reads its health and metrics every second while it runs.
 */
public final class RunningApplication implements AutoCloseable {

	private final ConfigurableApplicationContext context;

	private final HikariDataSource dataSource;

	private final @Nullable Scraper scraper;

	public RunningApplication(ConfigurableApplicationContext context, HikariDataSource dataSource,
			@Nullable Scraper scraper) {
		this.context = context;
		this.dataSource = dataSource;
		this.scraper = scraper;
	}

	public HikariDataSource dataSource() {
		return this.dataSource;
	}

	public @Nullable Scraper scraper() {
		return this.scraper;
	}

	/**
	 * The same application, no longer scraped.
	 */
	public RunningApplication withoutScrapes() {
		if (this.scraper != null) {
			this.scraper.close();
		}
		return new RunningApplication(this.context, this.dataSource, null);
	}

	/**
	 * Lets the scraper run while this application is measured, and pauses it while another one is.
	 */
	public void scraping(boolean active) {
		if (this.scraper != null) {
			this.scraper.setActive(active);
		}
	}

	@Override
	public void close() {
		if (this.scraper != null) {
			this.scraper.close();
		}
		this.context.close();
	}

}
