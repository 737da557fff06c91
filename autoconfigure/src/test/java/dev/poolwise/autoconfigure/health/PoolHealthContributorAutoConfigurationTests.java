package dev.poolwise.autoconfigure.health;

import java.sql.Connection;
import java.time.Duration;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.support.AbstractBeanDefinition;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.availability.ApplicationAvailabilityAutoConfiguration;
import org.springframework.boot.health.actuate.endpoint.HealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.actuate.endpoint.IndicatedHealthDescriptor;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.AvailabilityProbesAutoConfiguration;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributors;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.health.DataSourceHealthContributorAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.poolwise.autoconfigure.PoolwiseAutoConfiguration;
import dev.poolwise.health.PoolHealthIndicator;
import dev.poolwise.test.PostgresServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class PoolHealthContributorAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, PoolwiseAutoConfiguration.class,
				PoolHealthContributorAutoConfiguration.class))
		.withPropertyValues(PostgresServer.datasourceProperties());

	@Test
	void registersOneIndicatorForTheTunedPool() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(PoolHealthIndicator.class).hasBean("dbPoolHealthContributor");
			assertThat(context.getBean(PoolHealthIndicator.class).health().getStatus()).isEqualTo(Status.UP);
		});
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "management.health.dbpool.enabled=false", "management.health.defaults.enabled=false",
			"db.pool.enabled=false" })
	void backsOffWhenSwitchedOff(String property) {
		this.contextRunner.withPropertyValues(property)
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean("dbPoolHealthContributor"));
	}

	@Test
	void stepsAsideForAUserBeanNamedDbPoolHealthIndicator() {
		this.contextRunner.withUserConfiguration(UserIndicatorConfiguration.class).run((context) -> {
			assertThat(context).doesNotHaveBean("dbPoolHealthContributor").doesNotHaveBean(PoolHealthIndicator.class);
			assertThat(context).hasBean("dbPoolHealthIndicator");
		});
	}

	@Test
	void backsOffWithoutSpringBootHealth() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("org.springframework.boot.health"))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean("dbPoolHealthContributor"));
	}

	@Test
	void contributesNothingForAPoolPoolwiseDoesNotTune() {
		this.contextRunner.withPropertyValues("spring.datasource.url=jdbc:h2:mem:untuned").run((context) -> {
			assertThat(context).doesNotHaveBean(PoolHealthIndicator.class);
			assertThat(context.getBean(CompositeHealthContributor.class).stream()).isEmpty();
		});
	}

	@Test
	void severalPoolsGiveACompositeKeyedByBeanName() {
		this.contextRunner.withUserConfiguration(SecondPoolConfiguration.class).run((context) -> {
			CompositeHealthContributor composite = context.getBean("dbPoolHealthContributor",
					CompositeHealthContributor.class);
			assertThat(composite.stream().map(HealthContributors.Entry::name)).containsExactly("dataSource",
					"secondDataSource");
			Health second = ((HealthIndicator) composite.getContributor("secondDataSource")).health();
			assertThat(second.getStatus()).isEqualTo(Status.UP);
			assertThat(second.getDetails()).containsEntry(PoolHealthIndicator.POOL, "secondDataSource");
		});
	}

	@Test
	void appearsAsDbPoolInTheHealthEndpointAndItsReadinessGroup() {
		this.contextRunner
			.withConfiguration(AutoConfigurations.of(ApplicationAvailabilityAutoConfiguration.class,
					HealthContributorRegistryAutoConfiguration.class, AvailabilityProbesAutoConfiguration.class,
					HealthEndpointAutoConfiguration.class))
			.withPropertyValues("management.endpoint.health.group.readiness.include=readinessState,dbPool",
					"management.endpoint.health.show-details=always")
			.run((context) -> {
				HealthEndpoint endpoint = context.getBean(HealthEndpoint.class);
				HealthDescriptor dbPool = endpoint.healthForPath("dbPool");
				assertThat(dbPool).isInstanceOf(IndicatedHealthDescriptor.class);
				assertThat(((IndicatedHealthDescriptor) dbPool).getDetails()).containsKey(PoolHealthIndicator.PENDING);
				assertThat(endpoint.healthForPath("readiness", "dbPool")).isNotNull();
				assertThat(endpoint.healthForPath("liveness")).isNotNull();
				assertThat(endpoint.healthForPath("liveness", "dbPool")).isNull();
			});
	}

	@Test
	void replacesSpringBootsDbIndicatorForTheTunedPool() {
		withHealthEndpoint().run((context) -> {
			HealthEndpoint endpoint = context.getBean(HealthEndpoint.class);
			assertThat(endpoint.healthForPath("dbPool")).isNotNull();
			assertThat(endpoint.healthForPath("db")).isNull();
		});
	}

	@Test
	void keepsSpringBootsDbIndicatorWhenAskedTo() {
		withHealthEndpoint().withPropertyValues("db.pool.health.replace-db-indicator=false").run((context) -> {
			HealthEndpoint endpoint = context.getBean(HealthEndpoint.class);
			assertThat(endpoint.healthForPath("dbPool")).isNotNull();
			assertThat(endpoint.healthForPath("db")).isNotNull();
		});
	}

	@Test
	void keepsSpringBootsDbIndicatorForADataSourcePoolwiseDoesNotTune() {
		withHealthEndpoint().withPropertyValues("spring.datasource.url=jdbc:h2:mem:untuned").run((context) -> {
			HealthEndpoint endpoint = context.getBean(HealthEndpoint.class);
			assertThat(endpoint.healthForPath("db")).isInstanceOf(IndicatedHealthDescriptor.class);
		});
	}

	/**
	 * What a default configuration gives a readiness probe: with every connection lent out and the pool's
	 * timeout at 5s, the whole health endpoint still answers within dbPool's 1s, because db no longer
	 * borrows.
	 */
	@Test
	void theHealthEndpointAnswersWithinTheHealthTimeoutWhileThePoolIsSaturated() {
		withHealthEndpoint().withPropertyValues("db.pool.size=1", "db.pool.overflow=0", "db.pool.timeout=5s")
			.run((context) -> {
				HealthEndpoint endpoint = context.getBean(HealthEndpoint.class);
				try (Connection held = context.getBean(DataSource.class).getConnection()) {
					long start = System.nanoTime();
					HealthDescriptor health = endpoint.health();
					assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
					assertThat(health.getStatus()).isEqualTo(Status.UP);
				}
			});
	}

	private ApplicationContextRunner withHealthEndpoint() {
		return this.contextRunner
			.withConfiguration(AutoConfigurations.of(DataSourceHealthContributorAutoConfiguration.class,
					HealthContributorRegistryAutoConfiguration.class, HealthEndpointAutoConfiguration.class))
			.withPropertyValues("management.endpoint.health.show-details=always");
	}

	@Test
	void probeConnectionClosesWithTheContext() {
		String probeName = "close-check (dbPool health)";
		this.contextRunner.withPropertyValues("db.pool.application-name=close-check").run((context) -> {
			context.getBean(PoolHealthIndicator.class).health();
			assertThat(PostgresServer.sessions(probeName)).isOne();
		});
		await().until(() -> PostgresServer.sessions(probeName) == 0);
	}

	@Configuration(proxyBeanMethods = false)
	static class UserIndicatorConfiguration {

		@Bean
		HealthIndicator dbPoolHealthIndicator() {
			return () -> Health.up().build();
		}

	}

	/**
	 * Spring Boot creates one pool; a second definition from the same factory method is tuned the same
	 * way and so gives a second entry in the registry.
	 */
	@Configuration(proxyBeanMethods = false)
	static class SecondPoolConfiguration {

		private static final String BOOT_HIKARI_CONFIGURATION = "org.springframework.boot.jdbc.autoconfigure.DataSourceConfiguration$Hikari";

		@Bean
		static BeanDefinitionRegistryPostProcessor secondPool() {
			return (BeanDefinitionRegistry registry) -> {
				RootBeanDefinition definition = new RootBeanDefinition();
				definition.setFactoryBeanName(BOOT_HIKARI_CONFIGURATION);
				definition.setFactoryMethodName("dataSource");
				definition.setAutowireMode(AbstractBeanDefinition.AUTOWIRE_CONSTRUCTOR);
				registry.registerBeanDefinition("secondDataSource", definition);
			};
		}

	}

}
