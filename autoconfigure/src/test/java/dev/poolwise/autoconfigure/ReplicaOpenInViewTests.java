package dev.poolwise.autoconfigure;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.orm.jpa.support.OpenEntityManagerInViewInterceptor;

import dev.poolwise.replica.ReplicaSets;
import dev.poolwise.test.ReplicatedServers;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Read replicas in a JPA web application, where Spring Boot turns open-in-view on unless told otherwise:
 * one connection per request would decide every transaction's server, so startup fails naming
 * {@code spring.jpa.open-in-view} and the fix.
 */
class ReplicaOpenInViewTests {

	private static final ReplicatedServers servers = ReplicatedServers.shared();

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, PoolwiseAutoConfiguration.class,
				HibernateJpaAutoConfiguration.class, TransactionAutoConfiguration.class))
		.withPropertyValues("spring.datasource.url=" + servers.primaryUrl(""), "spring.datasource.username=postgres",
				"spring.jpa.hibernate.ddl-auto=none", "db.pool.size=2");

	private static final String REPLICAS = "db.pool.replicas.url=" + servers.standbysUrl(0);

	@Test
	void openInViewLeftAtSpringBootsDefaultFailsStartupNamingTheKeyAndTheFix() {
		this.contextRunner.withPropertyValues(REPLICAS).run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new PoolConfigurationFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis).isNotNull();
			assertThat(analysis.getDescription())
				.contains("spring.jpa.open-in-view=true (Spring Boot's default in a web application) is invalid")
				.contains("holds one connection for the whole request")
				.contains("refused on the replica connection");
			assertThat(analysis.getAction()).contains("Set spring.jpa.open-in-view=false");
		});
	}

	@Test
	void openInViewSetToTrueFailsStartupWithTheValueAsWritten() {
		this.contextRunner.withPropertyValues(REPLICAS, "spring.jpa.open-in-view=true").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(new PoolConfigurationFailureAnalyzer().analyze(context.getStartupFailure()).getDescription())
				.contains("spring.jpa.open-in-view=true is invalid");
		});
	}

	@Test
	void withOpenInViewOffTheApplicationStartsAndRoutes() {
		this.contextRunner.withPropertyValues(REPLICAS, "spring.jpa.open-in-view=false").run((context) -> {
			assertThat(context).hasNotFailed().doesNotHaveBean(OpenEntityManagerInViewInterceptor.class);
			assertThat(context.getBean(ReplicaSets.class).all()).hasSize(1);
		});
	}

	@Test
	void withoutReplicasOpenInViewIsLeftAlone() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasNotFailed().hasSingleBean(OpenEntityManagerInViewInterceptor.class);
		});
	}

}
