package dev.poolwise.autoconfigure;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurationPackage;
import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.data.jdbc.test.autoconfigure.AutoConfigureDataJdbc;
import org.springframework.boot.data.jpa.test.autoconfigure.AutoConfigureDataJpa;
import org.springframework.boot.jdbc.test.autoconfigure.AutoConfigureJdbc;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import dev.poolwise.autoconfigure.drain.PoolDrainAutoConfiguration;
import dev.poolwise.autoconfigure.migration.PoolwiseMigrationAutoConfiguration;
import dev.poolwise.test.PostgresServer;
import dev.poolwise.tuned.TunedPools;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The auto-configurations the JDBC test slices import ({@code @AutoConfigureJdbc}, which
 * {@code @JdbcTest}, {@code @DataJpaTest} and {@code @DataJdbcTest} all carry) include Poolwise's, so a slice
 * on the real database validates the {@code db.pool} keys and tunes the pool as the application does.
 */
class TestSliceRegistrationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withPropertyValues(PostgresServer.datasourceProperties())
		.withPropertyValues("spring.flyway.enabled=false", "spring.liquibase.enabled=false", "db.pool.size=2",
				"db.pool.overflow=3");

	@Test
	void eachJdbcSliceImportsPoolwiseWithItsMigrationAndDrain() {
		for (Class<?> slice : new Class<?>[] { JdbcSlice.class, DataJpaSlice.class, DataJdbcSlice.class }) {
			this.contextRunner.withUserConfiguration(slice).run((context) -> {
				assertThat(context).hasNotFailed()
					.hasSingleBean(TunedPools.class)
					.hasSingleBean(PoolwiseAutoConfiguration.class)
					.hasSingleBean(PoolwiseMigrationAutoConfiguration.class)
					.hasSingleBean(PoolDrainAutoConfiguration.class);
				assertThat(context.getBean(TunedPools.class).get("dataSource").dataSource().getMaximumPoolSize())
					.isEqualTo(5);
			});
		}
	}

	@Test
	void anUnknownKeyFailsTheSlicesContext() {
		this.contextRunner.withUserConfiguration(JdbcSlice.class)
			.withPropertyValues("db.pool.sise=5")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(UnboundConfigurationPropertiesException.class)
				.hasMessageContaining("db.pool.sise"));
	}

	@Test
	void anInvalidValueFailsTheSlicesContext() {
		this.contextRunner.withUserConfiguration(JdbcSlice.class)
			.withPropertyValues("db.pool.timeout=10ms")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasStackTraceContaining("db.pool.timeout=10ms"));
	}

	@Test
	void theMasterSwitchLeavesTheSlicesPoolAsSpringBootMadeIt() {
		this.contextRunner.withUserConfiguration(JdbcSlice.class)
			.withPropertyValues("db.pool.enabled=false")
			.run((context) -> {
				assertThat(context).hasNotFailed().doesNotHaveBean(TunedPools.class);
				assertThat(context.getBean(DataSource.class).unwrap(HikariDataSource.class).getMaximumPoolSize())
					.isEqualTo(10);
			});
	}

	@Configuration(proxyBeanMethods = false)
	@AutoConfigureJdbc
	static class JdbcSlice {

	}

	@Configuration(proxyBeanMethods = false)
	@AutoConfigurationPackage
	@AutoConfigureDataJpa
	static class DataJpaSlice {

	}

	@Configuration(proxyBeanMethods = false)
	@AutoConfigurationPackage
	@AutoConfigureDataJdbc
	static class DataJdbcSlice {

	}

}
