package dev.poolwise.autoconfigure.drain;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import com.zaxxer.hikari.HikariDataSource;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

import dev.poolwise.autoconfigure.PoolwiseAutoConfiguration;
import dev.poolwise.drain.PoolDrainLifecycle;
import dev.poolwise.tuned.TunedPool;
import dev.poolwise.tuned.TunedPools;

/**
 * Drains the tuned pools on shutdown, bounded by the same timeout Spring Boot gives each shutdown phase,
 * so one setting bounds both the web server's graceful shutdown and the drain.
 */
@AutoConfiguration(after = PoolwiseAutoConfiguration.class)
@ConditionalOnBean(TunedPools.class)
public final class PoolDrainAutoConfiguration {

	private static final String TIMEOUT_PROPERTY = "spring.lifecycle.timeout-per-shutdown-phase";

	@Bean
	@ConditionalOnMissingBean
	PoolDrainLifecycle poolwisePoolDrainLifecycle(TunedPools pools, Environment environment,
			ApplicationContext applicationContext) {
		Duration timeout = Binder.get(environment)
			.bind(TIMEOUT_PROPERTY, Duration.class)
			.orElse(Duration.ofSeconds(30));
		return new PoolDrainLifecycle(() -> byName(pools), timeout, applicationContext);
	}

	private static Map<String, HikariDataSource> byName(TunedPools pools) {
		Map<String, HikariDataSource> byName = new LinkedHashMap<>();
		for (TunedPool pool : pools.all()) {
			byName.put(pool.beanName(), pool.dataSource());
		}
		return byName;
	}

}
