package dev.poolwise.test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.metrics.DataSourcePoolMetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.poolwise.autoconfigure.PoolwiseAutoConfiguration;
import dev.poolwise.autoconfigure.metrics.PoolMetricsAutoConfiguration;

/**
 * Application contexts with Spring Boot's pool and metrics auto-configuration, Poolwise and its meters, as
 * an application with the actuator starter has them, pointed at {@link PostgresServer}.
 */
public final class MetricsContexts {

	private MetricsContexts() {
	}

	/**
	 * A runner with a {@link SimpleMeterRegistry} that binds meters as Spring Boot does.
	 * @return the runner
	 */
	public static ApplicationContextRunner runner() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
					PoolwiseAutoConfiguration.class, MetricsAutoConfiguration.class,
					DataSourcePoolMetricsAutoConfiguration.class, PoolMetricsAutoConfiguration.class))
			.withBean(SimpleMeterRegistry.class)
			.withPropertyValues(PostgresServer.datasourceProperties())
			.withPropertyValues("management.metrics.use-global-registry=false");
	}

}
