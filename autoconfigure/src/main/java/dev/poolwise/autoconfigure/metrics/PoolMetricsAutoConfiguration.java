package dev.poolwise.autoconfigure.metrics;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import dev.poolwise.autoconfigure.PoolwiseAutoConfiguration;
import dev.poolwise.autoconfigure.PoolwiseProperties;
import dev.poolwise.autoconfigure.TunedPoolBeans;
import dev.poolwise.metrics.BorrowCountsPoolSizeAdvisor;
import dev.poolwise.metrics.OpenTelemetryPoolMeterBinder;
import dev.poolwise.metrics.PoolMeterBinder;
import dev.poolwise.metrics.PoolSizeAdvisor;
import dev.poolwise.metrics.ReplicaMeterBinder;
import dev.poolwise.metrics.ServerStatisticsSampler;
import dev.poolwise.replica.ReplicaSets;
import dev.poolwise.tuned.TunedPools;

/**
 * Auto-configuration of Poolwise's meters for the tuned pools, after Spring Boot's own pool metrics, whose
 * tracker Poolwise's borrow counting attaches behind.
 */
@AutoConfiguration(after = PoolwiseAutoConfiguration.class,
		afterName = { "org.springframework.boot.jdbc.autoconfigure.metrics.DataSourcePoolMetricsAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean({ MeterRegistry.class, TunedPools.class })
public final class PoolMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	PoolSizeAdvisor poolSizeAdvisor(TunedPools pools, PoolwiseProperties properties,
			ObjectProvider<ServerStatisticsSampler> serverStatisticsSampler) {
		return new BorrowCountsPoolSizeAdvisor(pools, properties.getMonitor().getInterval(),
				serverStatisticsSampler.getIfAvailable());
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBooleanProperty(name = "db.pool.monitor.enabled", matchIfMissing = true)
	ServerStatisticsSampler serverStatisticsSampler(TunedPools pools) {
		return new ServerStatisticsSampler(pools);
	}

	@Bean
	@ConditionalOnMissingBean
	PoolMeterBinder poolMeterBinder(TunedPools pools, PoolSizeAdvisor poolSizeAdvisor,
			ObjectProvider<ServerStatisticsSampler> serverStatisticsSampler) {
		return new PoolMeterBinder(pools, poolSizeAdvisor, serverStatisticsSampler.getIfAvailable());
	}

	@Bean
	@ConditionalOnMissingBean
	ReplicaMeterBinder replicaMeterBinder(ConfigurableListableBeanFactory beanFactory, TunedPools pools,
			ReplicaSets replicaSets) {
		TunedPoolBeans.resolve(beanFactory, pools);
		return new ReplicaMeterBinder(replicaSets);
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBooleanProperty("db.pool.metrics.opentelemetry.enabled")
	OpenTelemetryPoolMeterBinder openTelemetryPoolMeterBinder(TunedPools pools) {
		return new OpenTelemetryPoolMeterBinder(pools);
	}

}
