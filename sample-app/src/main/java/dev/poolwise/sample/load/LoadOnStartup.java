package dev.poolwise.sample.load;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

/**
 * Starts a load run once the application is up when {@code load.threads} is set.
 */
@Component
class LoadOnStartup implements ApplicationRunner {

	private static final Log logger = LogFactory.getLog(LoadOnStartup.class);

	private final LoadGenerator generator;

	private final LoadProperties properties;

	LoadOnStartup(LoadGenerator generator, LoadProperties properties) {
		this.generator = generator;
		this.properties = properties;
	}

	@Override
	public void run(ApplicationArguments args) {
		if (this.properties.threads() > 0) {
			LoadPlan plan = new LoadPlan(this.properties.threads(), this.properties.duration(),
					this.properties.hold());
			this.generator.start(plan);
			logger.info("Load run started: " + plan.threads() + " threads for " + plan.duration().toSeconds()
					+ "s, each query holding its connection " + plan.hold().toMillis() + "ms; GET /load reports it");
		}
	}

}
