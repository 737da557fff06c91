package dev.poolwise.autoconfigure;

import com.zaxxer.hikari.HikariDataSource;
import org.postgresql.Driver;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

import dev.poolwise.autosize.AutosizeControls;
import dev.poolwise.login.DriverAdvisories;
import dev.poolwise.replica.ReplicaSets;
import dev.poolwise.tuned.TunedPools;

/**
 * Auto-configuration that tunes Spring Boot's Hikari pool for PostgreSQL from {@code db.pool.*}.
 */
@AutoConfiguration(before = DataSourceAutoConfiguration.class)
@ConditionalOnClass({ HikariDataSource.class, Driver.class })
@ConditionalOnBooleanProperty(name = "db.pool.enabled", matchIfMissing = true)
@EnableConfigurationProperties(PoolwiseProperties.class)
public final class PoolwiseAutoConfiguration {

	@Bean
	static PoolwiseDataSourceBeanPostProcessor poolwiseDataSourceBeanPostProcessor(
			ObjectProvider<PoolwiseProperties> properties, ObjectProvider<TunedPools> pools, Environment environment,
			ApplicationContext applicationContext) {
		return new PoolwiseDataSourceBeanPostProcessor(properties, pools, environment, applicationContext);
	}

	@Bean
	static ReplicaRoutingBeanPostProcessor poolwiseReplicaRoutingBeanPostProcessor(
			ObjectProvider<PoolwiseProperties> properties, ObjectProvider<TunedPools> pools,
			ObjectProvider<ReplicaSets> replicaSets, Environment environment, ApplicationContext applicationContext) {
		return new ReplicaRoutingBeanPostProcessor(properties, pools, replicaSets, environment, applicationContext);
	}

	@Bean
	ReplicaSets poolwiseReplicaSets() {
		return new ReplicaSets();
	}


	@Bean
	TunedPools poolwisePools() {
		return new TunedPools();
	}

	@Bean
	AutosizeCheck poolwiseAutosizeCheck(TunedPools pools, ObjectProvider<AutosizeControls> autosize) {
		return new AutosizeCheck(pools, autosize);
	}

	@Bean
	DriverAdvisoryCheck poolwiseDriverAdvisoryCheck(TunedPools pools) {
		return new DriverAdvisoryCheck(pools, DriverAdvisories::installedVersion);
	}

	@Bean
	PoolNamesCheck poolwisePoolNamesCheck(TunedPools pools, Environment environment,
			ConfigurableListableBeanFactory beanFactory) {
		return new PoolNamesCheck(environment, beanFactory, pools::foundNames);
	}

}
