package dev.poolwise.sample.database;

import java.io.IOException;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;

/**
 * Starts an embedded PostgreSQL when no {@code spring.datasource.url} is set, so the sample runs on a fresh
 * machine. It is handed to Spring Boot as {@link JdbcConnectionDetails}: Boot still creates its own Hikari
 * pool from them, and Poolwise tunes that pool exactly as it would one pointed at a real server.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(EmbeddedPostgresConfiguration.NoDataSourceUrlCondition.class)
class EmbeddedPostgresConfiguration {

	private static final Log logger = LogFactory.getLog(EmbeddedPostgresConfiguration.class);

	/**
	 * The server, stopped by the context rather than by a JVM shutdown hook, so that it outlives the pool and
	 * the running queries that use it.
	 * @return the started server
	 * @throws IOException if the server cannot be started
	 */
	@Bean(destroyMethod = "close")
	EmbeddedPostgres embeddedPostgres() throws IOException {
		EmbeddedPostgres postgres = EmbeddedPostgres.builder().setRegisterShutdownHook(false).start();
		logger.info("No spring.datasource.url set: started embedded PostgreSQL on port " + postgres.getPort()
				+ "; its data is discarded at shutdown");
		return postgres;
	}

	@Bean
	JdbcConnectionDetails embeddedPostgresConnectionDetails(EmbeddedPostgres embeddedPostgres) {
		return new EmbeddedPostgresConnectionDetails(embeddedPostgres.getPort());
	}

	/**
	 * Matches when {@code spring.datasource.url} is missing or blank, as Spring Boot itself decides.
	 */
	static class NoDataSourceUrlCondition extends SpringBootCondition {

		private static final String URL_PROPERTY = "spring.datasource.url";

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			ConditionMessage.Builder message = ConditionMessage.forCondition("NoDataSourceUrl");
			if (StringUtils.hasText(context.getEnvironment().getProperty(URL_PROPERTY))) {
				return ConditionOutcome.noMatch(message.because(URL_PROPERTY + " is set"));
			}
			return ConditionOutcome.match(message.because(URL_PROPERTY + " is not set"));
		}

	}

}
