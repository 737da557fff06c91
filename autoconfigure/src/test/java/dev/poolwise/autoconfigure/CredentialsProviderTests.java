package dev.poolwise.autoconfigure;

import com.zaxxer.hikari.HikariCredentialsProvider;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.util.Credentials;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.poolwise.test.PostgresServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which {@link HikariCredentialsProvider} bean each pool logs in with.
 */
class CredentialsProviderTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, PoolwiseAutoConfiguration.class));

	@Test
	void theOnlyProviderBeanSuppliesTheCredentialsOfSpringBootsPool() {
		HikariCredentialsProvider provider = provider();
		this.contextRunner.withPropertyValues("spring.datasource.url=" + PostgresServer.jdbcUrl())
			.withBean("vault", HikariCredentialsProvider.class, () -> provider)
			.run((context) -> {
				HikariDataSource pool = context.getBean(HikariDataSource.class);
				assertThat(pool.getCredentialsProvider()).isSameAs(provider);
				assertThat(pool.getUsername()).isNull();
				pool.getConnection().close();
			});
	}

	@Test
	void eachPoolLogsInWithTheProviderItsKeyNames() {
		HikariCredentialsProvider primary = provider();
		HikariCredentialsProvider reporting = provider();
		this.contextRunner.withBean("primary", HikariDataSource.class, PostgresServer::unstartedPool)
			.withBean("reporting", HikariDataSource.class, PostgresServer::unstartedPool)
			.withBean("primaryCredentials", HikariCredentialsProvider.class, () -> primary)
			.withBean("reportingCredentials", HikariCredentialsProvider.class, () -> reporting)
			.withPropertyValues("db.pool.datasources.primary.credentials-provider=primaryCredentials",
					"db.pool.datasources.reporting.credentials-provider=reportingCredentials")
			.run((context) -> {
				assertThat(context.getBean("primary", HikariDataSource.class).getCredentialsProvider())
					.isSameAs(primary);
				assertThat(context.getBean("reporting", HikariDataSource.class).getCredentialsProvider())
					.isSameAs(reporting);
			});
	}

	@Test
	void anUnknownProviderNameFailsStartupNamingThePropertyTheValueAndTheBeans() {
		this.contextRunner.withBean("reporting", HikariDataSource.class, PostgresServer::unstartedPool)
			.withBean("vaultCredentials", HikariCredentialsProvider.class, CredentialsProviderTests::provider)
			.withPropertyValues("db.pool.datasources.reporting.credentials-provider=vaultCredential")
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new PoolConfigurationFailureAnalyzer().analyze(context.getStartupFailure());
				assertThat(analysis.getDescription())
					.contains("db.pool.datasources.reporting.credentials-provider=vaultCredential is invalid: no "
							+ "HikariCredentialsProvider bean is named 'vaultCredential' (beans of that type: "
							+ "vaultCredentials)");
			});
	}

	@Test
	void severalProviderBeansAndNoNameForAPoolFailStartup() {
		this.contextRunner.withBean("reporting", HikariDataSource.class, PostgresServer::unstartedPool)
			.withBean("first", HikariCredentialsProvider.class, CredentialsProviderTests::provider)
			.withBean("second", HikariCredentialsProvider.class, CredentialsProviderTests::provider)
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new PoolConfigurationFailureAnalyzer().analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("pool 'reporting' could log in with any of 2 "
						+ "HikariCredentialsProvider beans (first, second) and none is named for it");
				assertThat(analysis.getAction())
					.contains("Set db.pool.datasources.reporting.credentials-provider to one of first, second.");
			});
	}

	private static HikariCredentialsProvider provider() {
		return () -> Credentials.of(PostgresServer.username(), PostgresServer.PASSWORD);
	}

}
