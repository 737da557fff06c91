package dev.poolwise.autoconfigure.warmup;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

import dev.poolwise.autoconfigure.PoolwiseAutoConfiguration;
import dev.poolwise.autoconfigure.PoolwiseProperties;
import dev.poolwise.autoconfigure.TunedPoolBeans;
import dev.poolwise.tuned.TunedPools;
import dev.poolwise.validation.Violations;
import dev.poolwise.warmup.PoolWarmupIndicator;
import dev.poolwise.warmup.PoolWarmupStarter;

/**
 * Auto-configuration of the {@code dbPoolWarm} health component, one {@link PoolWarmupIndicator} per tuned
 * pool with its own {@code db.pool.warmup.timeout}, and of the {@link PoolWarmupStarter} that starts the pools
 * at startup rather than on their first caller. It is not in any group unless the application adds it
 * to readiness, where it belongs; liveness must never wait for a database.
 */
@AutoConfiguration(after = PoolwiseAutoConfiguration.class)
@ConditionalOnClass({ HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class })
@ConditionalOnBean(TunedPools.class)
public final class PoolWarmupAutoConfiguration {

	@Bean
	@ConditionalOnEnabledHealthIndicator("dbpoolwarm")
	@ConditionalOnMissingBean(name = { "dbPoolWarmHealthIndicator", "dbPoolWarmHealthContributor" })
	HealthContributor dbPoolWarmHealthContributor(PoolWarmupStarter starter) {
		Map<String, PoolWarmupIndicator> indicators = new TreeMap<>(starter.indicators());
		return (indicators.size() == 1) ? indicators.values().iterator().next()
				: CompositeHealthContributor.fromMap(indicators);
	}

	/**
	 * The starter holds the indicators: the thread that starts a pool also watches it fill, for its indicator.
	 */
	@Bean
	@ConditionalOnEnabledHealthIndicator("dbpoolwarm")
	@ConditionalOnMissingBean
	PoolWarmupStarter poolwisePoolWarmupStarter(ConfigurableListableBeanFactory beanFactory, TunedPools pools,
			PoolwiseProperties properties) {
		Duration timeout = properties.getWarmup().getTimeout();
		if (timeout.isNegative()) {
			Violations violations = new Violations();
			violations.add("db.pool.warmup.timeout", timeout, "must not be negative",
					"Set it to how long readiness may wait for a warm pool, e.g. 30s, or 0 never to wait.");
			violations.throwIfAny();
		}
		Map<String, PoolWarmupIndicator> indicators = new TreeMap<>();
		TunedPoolBeans.resolve(beanFactory, pools).forEach((name, pool) -> indicators.put(name,
				new PoolWarmupIndicator(name, pool.dataSource(), timeout)));
		return new PoolWarmupStarter(indicators);
	}

}
