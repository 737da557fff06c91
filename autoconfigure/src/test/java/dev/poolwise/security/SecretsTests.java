package dev.poolwise.security;

import com.zaxxer.hikari.HikariCredentialsProvider;
import com.zaxxer.hikari.util.Credentials;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.poolwise.autoconfigure.PoolwiseAutoConfiguration;
import dev.poolwise.autoconfigure.endpoint.DbPoolEndpointAutoConfiguration;
import dev.poolwise.autoconfigure.health.PoolHealthContributorAutoConfiguration;
import dev.poolwise.endpoint.DbPoolEndpoint;
import dev.poolwise.test.FaultProxy;
import dev.poolwise.test.PostgresServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A password given in the JDBC URL's query string ({@code password}, {@code sslpassword}), as
 * {@code spring.datasource.password} or by a credentials provider shows nowhere: not in logs, health details
 * or endpoint output, whether the server is up or not.
 */
@ExtendWith(OutputCaptureExtension.class)
class SecretsTests {

	private static final String PROVIDED = "pr0vided-Rotating-Pa55";

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, PoolwiseAutoConfiguration.class,
				PoolHealthContributorAutoConfiguration.class, DbPoolEndpointAutoConfiguration.class))
		.withPropertyValues("spring.datasource.username=" + PostgresServer.username(),
				"spring.datasource.password=" + PostgresServer.PASSWORD, "management.endpoints.web.exposure.include=dbpool",
				"management.endpoint.dbpool.show-values=always", "db.pool.lazy-start=true", "db.pool.timeout=1s",
				"db.pool.connect-timeout=1s", "db.pool.login-timeout=1s");

	@Test
	void healthEndpointAndLogsNeverShowThePasswordWhetherTheServerIsUpOrDown(CapturedOutput output) {
		try (FaultProxy proxy = FaultProxy.inFrontOf(PostgresServer.jdbcUrl())) {
			String url = proxy.jdbcUrl() + (proxy.jdbcUrl().contains("?") ? "&" : "?") + "password="
					+ PostgresServer.PASSWORD + "&sslpassword=" + PostgresServer.PASSWORD;
			this.contextRunner.withPropertyValues("spring.datasource.url=" + url).run((context) -> {
				HealthIndicator health = context.getBean("dbPoolHealthContributor", HealthIndicator.class);
				DbPoolEndpoint endpoint = context.getBean(DbPoolEndpoint.class);
				StringBuilder shown = new StringBuilder();
				shown.append(health.health()).append(endpoint.pools());
				proxy.refuse();
				proxy.closeConnections();
				await().until(() -> health.health().getStatus().equals(Status.DOWN));
				shown.append(health.health()).append(endpoint.pools());
				assertThat(shown).contains("password=******").doesNotContain(PostgresServer.PASSWORD);
			});
		}
		assertThat(output).contains("Poolwise tuned pool").doesNotContain(PostgresServer.PASSWORD);
	}

	@Test
	void aPasswordFromTheCredentialsProviderShowsNowhereWhetherTheServerIsUpOrDown(CapturedOutput output) {
		HikariCredentialsProvider provider = () -> Credentials.of(PostgresServer.username(), PROVIDED);
		try (FaultProxy proxy = FaultProxy.inFrontOf(PostgresServer.jdbcUrl())) {
			this.contextRunner.withPropertyValues("spring.datasource.url=" + proxy.jdbcUrl())
				.withBean(HikariCredentialsProvider.class, () -> provider)
				.run((context) -> {
					HealthIndicator health = context.getBean("dbPoolHealthContributor", HealthIndicator.class);
					DbPoolEndpoint endpoint = context.getBean(DbPoolEndpoint.class);
					StringBuilder shown = new StringBuilder();
					shown.append(health.health()).append(endpoint.pools());
					proxy.refuse();
					proxy.closeConnections();
					await().until(() -> health.health().getStatus().equals(Status.DOWN));
					shown.append(health.health()).append(endpoint.pools());
					assertThat(shown).doesNotContain(PROVIDED).doesNotContain(PostgresServer.PASSWORD);
				});
		}
		assertThat(output).contains("Poolwise tuned pool").doesNotContain(PROVIDED);
	}

}
