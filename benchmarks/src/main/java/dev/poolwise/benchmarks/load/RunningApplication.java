package dev.poolwise.benchmarks.load;

import com.zaxxer.hikari.HikariDataSource;

import org.springframework.context.ConfigurableApplicationContext;

/**
 * One started application of the comparison, with its pool and, for the Poolwise application, the
 * scraper that reads its health and metrics every second while it runs.
 */
final class RunningApplication implements AutoCloseable {

	private final ConfigurableApplicationContext context;

	private final HikariDataSource dataSource;

	private final Scraper scraper;

	RunningApplication(ConfigurableApplicationContext context, HikariDataSource dataSource, Scraper scraper) {
		this.context = context;
		this.dataSource = dataSource;
		this.scraper = scraper;
	}

	HikariDataSource dataSource() {
		return this.dataSource;
	}

	Scraper scraper() {
		return this.scraper;
	}

	/**
	 * The same application, no longer scraped.
	 */
	RunningApplication withoutScrapes() {
		if (this.scraper != null) {
			this.scraper.close();
		}
		return new RunningApplication(this.context, this.dataSource, null);
	}

	/**
	 * Lets the scraper run while this application is measured, and pauses it while another one is.
	 */
	void scraping(boolean active) {
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
