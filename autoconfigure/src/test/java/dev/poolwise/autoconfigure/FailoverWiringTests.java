package dev.poolwise.autoconfigure;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.poolwise.failover.ReadOnlyEviction;
import dev.poolwise.test.PostgresServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Boot's pool follows the primary once Poolwise tunes it.
 */
class FailoverWiringTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, PoolwiseAutoConfiguration.class))
		.withPropertyValues(PostgresServer.datasourceProperties());

	@Test
	void tunedPoolEvictsConnectionsToReadOnlyServers() {
		this.contextRunner.run((context) -> assertThat(context.getBean(HikariDataSource.class).getExceptionOverride())
			.isInstanceOf(ReadOnlyEviction.class));
	}

	@Test
	void untunedPoolKeepsHikarisDefault() {
		this.contextRunner.withPropertyValues("db.pool.enabled=false")
			.run((context) -> assertThat(context.getBean(HikariDataSource.class).getExceptionOverride()).isNull());
	}

}
