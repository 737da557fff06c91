package dev.poolwise.autoconfigure;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

import com.github.gavlyukovskiy.boot.jdbc.decorator.DataSourceDecoratorAutoConfiguration;
import com.github.gavlyukovskiy.boot.jdbc.decorator.DecoratedDataSource;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.tracing.Tracer;
import net.ttddyy.observation.boot.autoconfigure.DataSourceObservationAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.datasource.LazyConnectionDataSourceProxy;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;
import org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy;

import dev.poolwise.pool.PoolUnwrapper;
import dev.poolwise.test.PostgresServer;
import dev.poolwise.tuned.TunedPool;
import dev.poolwise.tuned.TunedPools;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pools behind the DataSource wrappers real applications have: Spring Boot's lazy connection fetch, an
 * application's own Spring proxies, datasource-proxy through spring-boot-data-source-decorator and
 * datasource-micrometer, whichever post-processor runs first. Each is tuned as if it were not wrapped, or
 * startup says why not.
 */
@ExtendWith(OutputCaptureExtension.class)
class WrappedDataSourceTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, PoolwiseAutoConfiguration.class))
		.withPropertyValues(PostgresServer.datasourceProperties())
		.withPropertyValues("db.pool.size=7", "db.pool.overflow=5", "db.pool.session.statement-timeout=7s");

	@Test
	void springBootsLazyConnectionFetchIsTunedThroughItsProxy() {
		this.contextRunner.withPropertyValues("spring.datasource.connection-fetch=lazy").run((context) -> {
			assertThat(context.getBean(DataSource.class)).isInstanceOf(LazyConnectionDataSourceProxy.class);
			assertTuned(context.getBean(DataSource.class));
			assertThat(context.getBean(TunedPools.class).all()).extracting(TunedPool::beanName)
				.containsExactly("dataSource");
		});
	}

	@Test
	void anApplicationsProxyAroundAPoolThatIsNoBeanIsTunedUnderTheProxysName() {
		this.contextRunner.withUserConfiguration(LazyProxyConfiguration.class).run((context) -> {
			assertTuned(context.getBean(DataSource.class));
			assertThat(context.getBean(TunedPools.class).get("dataSource")).isNotNull();
		});
	}

	@Test
	void aProxyBeanAroundAPoolBeanLeavesThePoolTunedOnceUnderItsOwnName() {
		this.contextRunner.withUserConfiguration(TransactionAwareProxyConfiguration.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertTuned(context.getBean("dataSource", DataSource.class));
			assertThat(context.getBean(TunedPools.class).all()).extracting(TunedPool::beanName)
				.containsExactly("pool");
		});
	}

	@Test
	void datasourceProxyFromTheDecoratorStarterIsSeenThrough() {
		this.contextRunner.withConfiguration(AutoConfigurations.of(DataSourceDecoratorAutoConfiguration.class))
			.run((context) -> {
				assertThat(context.getBean(DataSource.class)).isInstanceOf(DecoratedDataSource.class);
				assertTuned(context.getBean(DataSource.class));
				assertThat(context.getBean(TunedPools.class).get("dataSource")).isNotNull();
			});
	}

	@Test
	void datasourceMicrometerIsSeenThrough() {
		this.contextRunner
			.withConfiguration(AutoConfigurations.of(ObservationAutoConfiguration.class,
					DataSourceObservationAutoConfiguration.class))
			.withBean(Tracer.class, () -> Tracer.NOOP)
			.run((context) -> {
				assertThat(context.getBean(DataSource.class)).isNotInstanceOf(HikariDataSource.class);
				assertTuned(context.getBean(DataSource.class));
			});
	}

	@Test
	void aConfiguredDataSourceWithNoHikariInsideFailsStartupNamingTheBean() {
		this.contextRunner.withPropertyValues("spring.datasource.type=" + SimpleDriverDataSource.class.getName())
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new PoolConfigurationFailureAnalyzer().analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("db.pool.*=" + SimpleDriverDataSource.class.getName())
					.contains("DataSource bean 'dataSource' is configured, but no HikariDataSource inside it");
				assertThat(analysis.getAction()).contains("Make the bean a HikariDataSource");
			});
	}

	@Test
	void aPoolStartedBeforePoolwiseCouldTuneItFailsStartupWhenConfigured() {
		this.contextRunner.withUserConfiguration(StartedPoolConfiguration.class).run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new PoolConfigurationFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("DataSource bean 'dataSource' is configured, but its pool "
					+ "was started before Poolwise could tune it");
		});
	}

	@Test
	void anEmbeddedInMemoryDatabaseSaysInOneLineThatDbPoolIsNotApplied(CapturedOutput output) {
		this.contextRunner.withPropertyValues("spring.datasource.url=jdbc:h2:mem:development").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(HikariDataSource.class).getMinimumIdle()).isEqualTo(-1);
			assertThat(output).contains("Poolwise leaves pool 'dataSource' untouched: it is an embedded in-memory "
					+ "database (jdbc:h2:mem:development), and db.pool tunes PostgreSQL pools only");
		});
	}

	@Test
	void aPoolsOwnKeysOnAnEmbeddedDatabaseAreStillAnError() {
		this.contextRunner
			.withPropertyValues("spring.datasource.url=jdbc:h2:mem:development",
					"db.pool.datasources.dataSource.size=2")
			.run((context) -> {
				FailureAnalysis analysis = new PoolConfigurationFailureAnalyzer().analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("only tunes PostgreSQL");
			});
	}

	private static void assertTuned(DataSource dataSource) throws SQLException {
		HikariDataSource pool = PoolUnwrapper.find(dataSource);
		assertThat(pool).isNotNull();
		assertThat(pool.getMinimumIdle()).isEqualTo(7);
		assertThat(pool.getMaximumPoolSize()).isEqualTo(12);
		try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
				ResultSet row = statement.executeQuery("SHOW statement_timeout")) {
			row.next();
			assertThat(row.getString(1)).isEqualTo("7s");
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class LazyProxyConfiguration {

		@Bean
		DataSource dataSource() {
			return new LazyConnectionDataSourceProxy(PostgresServer.unstartedPool());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TransactionAwareProxyConfiguration {

		@Bean
		HikariDataSource pool() {
			return PostgresServer.unstartedPool();
		}

		@Bean
		@Primary
		DataSource dataSource(HikariDataSource pool) {
			return new TransactionAwareDataSourceProxy(pool);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class StartedPoolConfiguration {

		@Bean
		DataSource dataSource() throws SQLException {
			HikariDataSource pool = PostgresServer.unstartedPool();
			pool.getConnection().close();
			return new LazyConnectionDataSourceProxy(pool);
		}

	}

}
