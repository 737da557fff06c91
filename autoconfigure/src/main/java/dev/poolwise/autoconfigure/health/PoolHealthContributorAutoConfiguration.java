package dev.poolwise.autoconfigure.health;

import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.SimpleAutowireCandidateResolver;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthContributors;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jdbc.health.DataSourceHealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.poolwise.autoconfigure.PoolwiseAutoConfiguration;
import dev.poolwise.autoconfigure.PoolwiseProperties;
import dev.poolwise.autoconfigure.TunedPoolBeans;
import dev.poolwise.health.PoolHealthIndicator;
import dev.poolwise.health.ReplicaHealthIndicator;
import dev.poolwise.pool.PoolUnwrapper;
import dev.poolwise.replica.ReplicaSet;
import dev.poolwise.replica.ReplicaSets;
import dev.poolwise.tuned.TunedPools;

/**
 * Auto-configuration of the {@code dbPool} health component: one {@link PoolHealthIndicator} per tuned
 * pool, or a composite keyed by DataSource bean name when there are several.
 */
@AutoConfiguration(after = PoolwiseAutoConfiguration.class,
		beforeName = "org.springframework.boot.jdbc.autoconfigure.health.DataSourceHealthContributorAutoConfiguration")
@ConditionalOnClass({ HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class })
@ConditionalOnBean(TunedPools.class)
public final class PoolHealthContributorAutoConfiguration {

	/**
	 * The switch sits on the method, as in Spring Boot's HealthContributorAutoConfiguration: its condition
	 * class is loaded only once the class-level check has found Spring Boot's health support.
	 */
	@Bean
	@ConditionalOnEnabledHealthIndicator("dbpool")
	@ConditionalOnMissingBean(name = { "dbPoolHealthIndicator", "dbPoolHealthContributor" })
	HealthContributor dbPoolHealthContributor(ConfigurableListableBeanFactory beanFactory, TunedPools pools) {
		Map<String, PoolHealthIndicator> indicators = new TreeMap<>();
		TunedPoolBeans.resolve(beanFactory, pools).forEach((name, pool) -> indicators.put(name,
				new PoolHealthIndicator(pool)));
		return (indicators.size() == 1) ? indicators.values().iterator().next()
				: new PoolHealthIndicators(indicators);
	}

	/**
	 * One component per read replica of Spring Boot's pool, named by the replica, under
	 * {@code dbPoolReplicas}. Not part of any probe group unless the application adds it, so readiness does
	 * not wait for replicas.
	 */
	@Bean
	@ConditionalOnEnabledHealthIndicator("dbpool")
	@ConditionalOnMissingBean(name = "dbPoolReplicasHealthContributor")
	@Nullable HealthContributor dbPoolReplicasHealthContributor(ConfigurableListableBeanFactory beanFactory,
			TunedPools pools, ReplicaSets replicaSets, PoolwiseProperties properties) {
		TunedPoolBeans.resolve(beanFactory, pools);
		Status outOfRotation = new Status(properties.getReplicas().getOutOfRotationStatus());
		Map<String, HealthIndicator> indicators = new TreeMap<>();
		for (ReplicaSet set : replicaSets.all()) {
			set.replicas().forEach((replica) -> indicators.put(replica.name(),
					new ReplicaHealthIndicator(replica, set.routing(), set.maxLag(), outOfRotation)));
		}
		return indicators.isEmpty() ? null : CompositeHealthContributor.fromMap(indicators);
	}

	/**
	 * Spring Boot's {@code db} indicator borrows a connection from each pool, so with a saturated pool it
	 * blocks for up to the pool's timeout and reports DOWN, taking {@code /actuator/health} and any probe group
	 * that includes it along. For the pools Poolwise tunes, {@code dbPool} answers the same question within
	 * its own bounded timeout, so {@code db} keeps only the DataSources Poolwise does not tune, checked as
	 * Spring Boot checks them, and disappears when there are none.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(DataSourceHealthIndicator.class)
	@ConditionalOnEnabledHealthIndicator("db")
	static class DbIndicatorReplacement {

		@Bean
		@ConditionalOnMissingBean(name = { "dbHealthIndicator", "dbHealthContributor" })
		@Nullable HealthContributor dbHealthContributor(ConfigurableListableBeanFactory beanFactory,
				TunedPools pools) {
			Map<String, DataSource> untuned = new TreeMap<>();
			SimpleAutowireCandidateResolver.resolveAutowireCandidates(beanFactory, DataSource.class, false, true)
				.forEach((name, dataSource) -> {
					if (!isReplaced(dataSource, pools)) {
						untuned.put(name, dataSource);
					}
				});
			if (untuned.isEmpty()) {
				return null;
			}
			return (untuned.size() == 1) ? new DataSourceHealthIndicator(untuned.values().iterator().next())
					: CompositeHealthContributor.fromMap(untuned, DataSourceHealthIndicator::new);
		}

		private static boolean isReplaced(DataSource dataSource, TunedPools pools) {
			HikariDataSource pool = PoolUnwrapper.find(dataSource);
			return pool != null && pools.all()
				.stream()
				.anyMatch((tuned) -> tuned.dataSource() == pool && tuned.settings().health().replaceDbIndicator());
		}

	}

	/**
	 * The indicators of several pools, closed with the context so that their probe connections are.
	 */
	static final class PoolHealthIndicators implements CompositeHealthContributor, AutoCloseable {

		private final Map<String, PoolHealthIndicator> indicators;

		private final CompositeHealthContributor delegate;

		PoolHealthIndicators(Map<String, PoolHealthIndicator> indicators) {
			this.indicators = indicators;
			this.delegate = CompositeHealthContributor.fromMap(indicators);
		}

		@Override
		public @Nullable HealthContributor getContributor(String name) {
			return this.delegate.getContributor(name);
		}

		@Override
		public Stream<HealthContributors.Entry> stream() {
			return this.delegate.stream();
		}

		@Override
		public void close() {
			this.indicators.values().forEach(PoolHealthIndicator::close);
		}

	}

}
