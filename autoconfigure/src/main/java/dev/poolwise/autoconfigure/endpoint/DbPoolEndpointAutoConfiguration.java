package dev.poolwise.autoconfigure.endpoint;

import java.time.Duration;
import java.util.List;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.endpoint.expose.EndpointExposure;
import org.springframework.boot.actuate.endpoint.Sanitizer;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

import dev.poolwise.autoconfigure.PoolwiseAutoConfiguration;
import dev.poolwise.autoconfigure.autosize.AutosizeAutoConfiguration;
import dev.poolwise.autoconfigure.metrics.PoolMetricsAutoConfiguration;
import dev.poolwise.autosize.AutosizeControls;
import dev.poolwise.endpoint.DbPoolEndpoint;
import dev.poolwise.endpoint.DbPoolEndpointWebExtension;
import dev.poolwise.metrics.PoolSizeAdvisor;
import dev.poolwise.replica.ReplicaSets;
import dev.poolwise.tuned.TunedPools;
import dev.poolwise.validation.Durations;
import dev.poolwise.validation.PoolConfigurationException;
import dev.poolwise.validation.Violation;

/**
 * Auto-configuration of the {@code dbpool} actuator endpoint. After the metrics, whose size advisor it
 * shows when Micrometer is present, and the autosize controllers, whose state it shows.
 */
@AutoConfiguration(after = { PoolwiseAutoConfiguration.class, PoolMetricsAutoConfiguration.class,
		AutosizeAutoConfiguration.class })
@ConditionalOnClass(ConditionalOnAvailableEndpoint.class)
@ConditionalOnAvailableEndpoint(DbPoolEndpoint.class)
@ConditionalOnBean(TunedPools.class)
@EnableConfigurationProperties(DbPoolEndpointProperties.class)
public final class DbPoolEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	DbPoolEndpoint dbPoolEndpoint(TunedPools pools, ObjectProvider<PoolSizeAdvisor> poolSizeAdvisor,
			DbPoolEndpointProperties properties, ObjectProvider<SanitizingFunction> sanitizingFunctions,
			ReplicaSets replicaSets, ObjectProvider<AutosizeControls> autosize) {
		Duration sampleTtl = properties.getSampleTtl();
		if (sampleTtl.isNegative()) {
			throw new PoolConfigurationException(List.of(new Violation("management.endpoint.dbpool.sample-ttl",
					Durations.format(sampleTtl), "must not be negative",
					"Set it to how long one read of the server may serve requests, e.g. 10s, or 0s to read "
							+ "whenever no read is in flight.")));
		}
		return new DbPoolEndpoint(pools, poolSizeAdvisor.getIfAvailable(), properties.getShowValues(),
				new Sanitizer(sanitizingFunctions.orderedStream().toList()), replicaSets, autosize.getIfAvailable(),
				new DbPoolEndpoint.Sampling(sampleTtl, properties.isIndexUsage()));
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(DbPoolEndpoint.class)
	@ConditionalOnAvailableEndpoint(exposure = EndpointExposure.WEB)
	DbPoolEndpointWebExtension dbPoolEndpointWebExtension(DbPoolEndpoint dbPoolEndpoint,
			DbPoolEndpointProperties properties) {
		return new DbPoolEndpointWebExtension(dbPoolEndpoint, properties.getShowValues(), properties.getRoles());
	}

}
