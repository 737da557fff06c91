package dev.poolwise.autoconfigure;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.poolwise.test.ReplicatedServers;
import dev.poolwise.validation.PoolConfigurationException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Session settings of a newer PostgreSQL against Debian's PostgreSQL 15: the message names the version that
 * brought the setting and the server's own, instead of a bare "no setting named".
 */
class OlderServerSessionSettingsTests {

	private static final ReplicatedServers servers = ReplicatedServers.shared();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, PoolwiseAutoConfiguration.class))
		.withPropertyValues("spring.datasource.url=" + servers.primaryUrl(""), "spring.datasource.username=postgres");

	@Test
	void transactionTimeoutOnAServerBeforeSeventeenNamesBothVersionsAndTheTimeoutsThatExist() {
		this.contextRunner.withPropertyValues("db.pool.session.settings.transaction-timeout=30s").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().isInstanceOf(PoolConfigurationException.class);
			FailureAnalysis analysis = new PoolConfigurationFailureAnalyzer()
				.analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("db.pool.session.settings.transaction-timeout=30s is "
					+ "invalid: transaction_timeout came in PostgreSQL 17, and this server is PostgreSQL 15.")
				.doesNotContain("no setting named");
			assertThat(analysis.getAction()).contains("Remove it until the server runs PostgreSQL 17 or later")
				.contains("db.pool.session.statement-timeout", "db.pool.session.idle-in-transaction-timeout");
		});
	}

}
