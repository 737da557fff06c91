package dev.poolwise.sample.load;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * A load run started with the application, e.g. {@code --load.threads=50}.
 *
 * @param threads concurrent threads, 0 for no run at startup
 * @param duration how long the run lasts
 * @param hold how long each query keeps its connection busy
 */
@ConfigurationProperties("load")
public record LoadProperties(@DefaultValue("0") int threads, @DefaultValue("30s") Duration duration,
		@DefaultValue("200ms") Duration hold) {

}
