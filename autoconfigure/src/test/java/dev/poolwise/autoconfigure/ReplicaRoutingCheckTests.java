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
 * Read replicas in a JPA web application whose transactions would never be routed, or routed wrongly: Spring
 * Boot turns open-in-view on unless told otherwise (one connection per request would decide every
 * transaction's server), a Hibernate handling mode that releases the connection after each transaction keeps
 * HibernateJpaDialect from marking it read-only. Startup fails naming each key and its fix, in one report.
 */
class ReplicaRoutingCheckTests {

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
	void aHandlingModeThatReleasesAfterTheTransactionFailsStartupInOneReportWithOpenInView() {
		this.contextRunner
			.withPropertyValues(REPLICAS, "spring.jpa.properties.hibernate.connection.handling_mode="
					+ "DELAYED_ACQUISITION_AND_RELEASE_AFTER_TRANSACTION")
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new PoolConfigurationFailureAnalyzer()
					.analyze(context.getStartupFailure());
				assertThat(analysis.getDescription())
					.contains("spring.jpa.properties.hibernate.connection.handling_mode="
							+ "DELAYED_ACQUISITION_AND_RELEASE_AFTER_TRANSACTION is invalid")
					.contains("never marked read-only")
					.contains("spring.jpa.open-in-view=true");
			});
	}

	@Test
	void aBadReplicaUrlAndOpenInViewAreReportedTogetherOnOneStart() {
		this.contextRunner.withPropertyValues("db.pool.replicas.url=jdbc:mysql://replica:3306/app").run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new PoolConfigurationFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("db.pool.replicas.url=jdbc:mysql://replica:3306/app")
				.contains("spring.jpa.open-in-view=true (Spring Boot's default in a web application) is invalid");
		});
	}

	@Test
	void aHandlingModeThatHoldsTheConnectionRoutes() {
		this.contextRunner
			.withPropertyValues(REPLICAS, "spring.jpa.open-in-view=false",
					"spring.jpa.properties.hibernate.connection.handling_mode=DELAYED_ACQUISITION_AND_HOLD")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void withoutReplicasOpenInViewIsLeftAlone() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasNotFailed().hasSingleBean(OpenEntityManagerInViewInterceptor.class);
		});
	}

}
