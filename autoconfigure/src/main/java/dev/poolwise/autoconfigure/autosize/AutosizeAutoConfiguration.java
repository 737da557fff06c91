package dev.poolwise.autoconfigure.autosize;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import dev.poolwise.autoconfigure.PoolwiseAutoConfiguration;
import dev.poolwise.autoconfigure.metrics.PoolMetricsAutoConfiguration;
import dev.poolwise.autosize.Autosizers;
import dev.poolwise.tuned.TunedPools;

/**
 * Auto-configuration of the autosize controllers of the pools with {@code db.pool.autosize.enabled}. They
 * measure the load with Poolwise's own tracker of each pool, whatever meter registries there are, and publish
 * their meters in a {@link MeterRegistry}; without one, startup fails for a pool that asks for autosizing
 * rather than leaving it fixed in silence.
 */
@AutoConfiguration(after = { PoolwiseAutoConfiguration.class, PoolMetricsAutoConfiguration.class },
		afterName = { "org.springframework.boot.jdbc.autoconfigure.metrics.DataSourcePoolMetricsAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean({ MeterRegistry.class, TunedPools.class })
public final class AutosizeAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	Autosizers poolwiseAutosizers(TunedPools pools, MeterRegistry registry) {
		return new Autosizers(pools, registry);
	}

}
