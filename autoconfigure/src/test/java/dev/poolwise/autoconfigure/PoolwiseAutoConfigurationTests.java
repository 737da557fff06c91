package dev.poolwise.autoconfigure;

import java.util.Map;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

import dev.poolwise.test.PostgresServer;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(OutputCaptureExtension.class)
class PoolwiseAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, PoolwiseAutoConfiguration.class))
		.withPropertyValues(PostgresServer.datasourceProperties());

	@Test
	void poolTakesExactlyTheConfiguredValues() {
		this.contextRunner
			.withPropertyValues("db.pool.size=3", "db.pool.overflow=7", "db.pool.timeout=4s", "db.pool.recycle=20m",
					"db.pool.idle-timeout=90s", "db.pool.keepalive=45s", "db.pool.leak-detection-threshold=15s",
					"db.pool.connect-timeout=6s", "db.pool.login-timeout=8s", "db.pool.socket-timeout=120s",
					"db.pool.application-name=orders")
			.run((context) -> {
				HikariDataSource pool = context.getBean(HikariDataSource.class);
				assertThat(pool.getMinimumIdle()).isEqualTo(3);
				assertThat(pool.getMaximumPoolSize()).isEqualTo(10);
				assertThat(pool.getConnectionTimeout()).isEqualTo(4_000);
				assertThat(pool.getMaxLifetime()).isEqualTo(1_200_000);
				assertThat(pool.getIdleTimeout()).isEqualTo(90_000);
				assertThat(pool.getKeepaliveTime()).isEqualTo(45_000);
				assertThat(pool.getLeakDetectionThreshold()).isEqualTo(15_000);
				assertThat(pool.getDataSourceProperties()).containsEntry("connectTimeout", "6")
					.containsEntry("loginTimeout", "8")
					.containsEntry("socketTimeout", "120")
					.containsEntry("ApplicationName", "orders")
					.containsEntry("tcpKeepAlive", "true")
					.containsEntry("socketFactoryArg", "60,10,6");
			});
	}

	@Test
	void defaultsGiveTheDocumentedPool() {
		this.contextRunner.withPropertyValues("spring.application.name=billing").run((context) -> {
			HikariDataSource pool = context.getBean(HikariDataSource.class);
			assertThat(pool.getMinimumIdle()).isEqualTo(10);
			assertThat(pool.getMaximumPoolSize()).isEqualTo(20);
			assertThat(pool.getConnectionTimeout()).isEqualTo(30_000);
			assertThat(pool.getMaxLifetime()).isEqualTo(1_800_000);
			assertThat(pool.getIdleTimeout()).isEqualTo(600_000);
			assertThat(pool.getKeepaliveTime()).isEqualTo(120_000);
			assertThat(pool.getLeakDetectionThreshold()).isZero();
			assertThat(pool.getPoolName()).isEqualTo("dataSource");
			assertThat(pool.getDataSourceProperties()).containsEntry("ApplicationName", "billing")
				.doesNotContainKey("socketTimeout")
				.doesNotContainKey("options");
		});
	}

	@Test
	void prePingOffDisablesIdleKeepalive() {
		this.contextRunner.withPropertyValues("db.pool.pre-ping=false")
			.run((context) -> assertThat(context.getBean(HikariDataSource.class).getKeepaliveTime()).isZero());
	}

	@Test
	void prePingOffAgreesWithAKeepaliveSetToZero() {
		this.contextRunner.withPropertyValues("db.pool.pre-ping=false", "db.pool.keepalive=0")
			.run((context) -> assertThat(context.getBean(HikariDataSource.class).getKeepaliveTime()).isZero());
	}

	@Test
	void environmentVariablesBindThroughRelaxedNames() {
		this.contextRunner.withInitializer((context) -> context.getEnvironment()
			.getPropertySources()
			.addFirst(new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
					Map.of("DB_POOL_SIZE", "17", "DB_POOL_OVERFLOW", "4", "DB_POOL_TIMEOUT", "7s"))))
			.run((context) -> {
				HikariDataSource pool = context.getBean(HikariDataSource.class);
				assertThat(pool.getMinimumIdle()).isEqualTo(17);
				assertThat(pool.getMaximumPoolSize()).isEqualTo(21);
				assertThat(pool.getConnectionTimeout()).isEqualTo(7_000);
			});
	}

	@Test
	void workerCountDerivesSizeAndOverflowAndTheLogSaysSo(CapturedOutput output) {
		this.contextRunner.withPropertyValues("db.pool.worker-count=30").run((context) -> {
			HikariDataSource pool = context.getBean(HikariDataSource.class);
			assertThat(pool.getMinimumIdle()).isEqualTo(3);
			assertThat(pool.getMaximumPoolSize()).isEqualTo(15);
			assertThat(output).contains("size=3 (worker-count), overflow=12 (worker-count), max=15");
		});
	}

	@Test
	void explicitSizeWinsOverWorkerCount(CapturedOutput output) {
		this.contextRunner.withPropertyValues("db.pool.worker-count=100", "db.pool.size=2").run((context) -> {
			HikariDataSource pool = context.getBean(HikariDataSource.class);
			assertThat(pool.getMinimumIdle()).isEqualTo(2);
			assertThat(pool.getMaximumPoolSize()).isEqualTo(20);
			assertThat(output).contains("size=2 (db.pool.size), overflow=18 (worker-count)");
		});
	}

	@Test
	void dbPoolWinsOverTheSameHikariKeyAndTheLogNamesBoth(CapturedOutput output) {
		this.contextRunner
			.withPropertyValues("db.pool.size=3", "spring.datasource.hikari.minimum-idle=7",
					"db.pool.timeout=5s", "spring.datasource.hikari.connection-timeout=50000")
			.run((context) -> {
				HikariDataSource pool = context.getBean(HikariDataSource.class);
				assertThat(pool.getMinimumIdle()).isEqualTo(3);
				assertThat(pool.getConnectionTimeout()).isEqualTo(5_000);
				assertThat(output).contains("db.pool.size overrides spring.datasource.hikari.minimum-idle")
					.contains("db.pool.timeout overrides spring.datasource.hikari.connection-timeout");
			});
	}

	@Test
	void aHikariKeyAloneIsKeptAndNamedAsTheSource(CapturedOutput output) {
		this.contextRunner.withPropertyValues("spring.datasource.hikari.maximum-pool-size=40").run((context) -> {
			HikariDataSource pool = context.getBean(HikariDataSource.class);
			assertThat(pool.getMaximumPoolSize()).isEqualTo(40);
			assertThat(output).contains("overflow=30 (spring.datasource.hikari.maximum-pool-size)");
		});
	}

	@Test
	void startupLogGivesEveryNumberWithItsSourceAndMasksTheUrl(CapturedOutput output) {
		this.contextRunner
			.withPropertyValues("spring.datasource.url=" + PostgresServer.jdbcUrl() + "&password=" + PostgresServer.PASSWORD,
					"db.pool.recycle=20m")
			.withPropertyValues("db.pool.session.settings.work-mem=8MB")
			.run((context) -> assertThat(output).contains("Poolwise tuned pool 'dataSource' for jdbc:postgresql://")
				.contains("password=******")
				.contains("size=10 (default), overflow=10 (default), max=20, timeout=30s (default), "
						+ "recycle=20m (db.pool.recycle), idle-timeout=10m (default), keepalive=2m (default), "
						+ "leak-detection-threshold=off (default), session={work_mem=8MB}")
				.doesNotContain(PostgresServer.PASSWORD));
	}

	@Test
	void backsOffWhenDisabled() {
		this.contextRunner.withPropertyValues("db.pool.enabled=false", "db.pool.size=3").run((context) -> {
			assertThat(context).doesNotHaveBean(PoolwiseDataSourceBeanPostProcessor.class);
			assertThat(context.getBean(HikariDataSource.class).getMinimumIdle()).isEqualTo(-1);
		});
	}

	@Test
	void backsOffForAPoolThatIsNotHikari() {
		this.contextRunner.withPropertyValues("spring.datasource.type=" + SimpleDriverDataSource.class.getName())
			.run((context) -> assertThat(context).hasNotFailed().hasSingleBean(SimpleDriverDataSource.class));
	}

	@Test
	void backsOffForANonPostgreSqlUrlWhenNothingIsConfigured() {
		this.contextRunner.withPropertyValues("spring.datasource.url=jdbc:h2:mem:other").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(HikariDataSource.class).getMinimumIdle()).isEqualTo(-1);
		});
	}

	@Test
	void aUserDefinedHikariPoolIsTunedToo() {
		this.contextRunner.withPropertyValues("db.pool.size=3")
			.withUserConfiguration(UserDataSourceConfiguration.class)
			.run((context) -> assertThat(context.getBean(HikariDataSource.class).getMinimumIdle()).isEqualTo(3));
	}

	@Test
	void backsOffForAUserDefinedPoolSwitchedOffByName() {
		this.contextRunner.withPropertyValues("db.pool.size=3", "db.pool.datasources.dataSource.enabled=false")
			.withUserConfiguration(UserDataSourceConfiguration.class)
			.run((context) -> assertThat(context.getBean(HikariDataSource.class).getMinimumIdle()).isEqualTo(1));
	}

	@Test
	void backsOffForAUserDefinedDataSourceThatIsNotAPool() {
		this.contextRunner.withPropertyValues("db.pool.size=3")
			.withBean("dataSource", DataSource.class, () -> new SimpleDriverDataSource(new org.postgresql.Driver(),
					PostgresServer.jdbcUrl()))
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(SimpleDriverDataSource.class)
				.doesNotHaveBean(HikariDataSource.class));
	}

	@Configuration(proxyBeanMethods = false)
	static class UserDataSourceConfiguration {

		@Bean
		DataSource dataSource() {
			HikariDataSource dataSource = new HikariDataSource();
			dataSource.setJdbcUrl(PostgresServer.jdbcUrl());
			dataSource.setMinimumIdle(1);
			return dataSource;
		}

	}

}
