package dev.poolwise.slices;

import com.zaxxer.hikari.HikariDataSource;

import org.springframework.test.context.DynamicPropertyRegistry;

import dev.poolwise.test.PostgresServer;
import dev.poolwise.tuned.TunedPool;
import dev.poolwise.tuned.TunedPools;

/**
 * The properties each slice test gives its context: the shared server, and pool keys whose effect shows on
 * the server (a statement timeout no default has, an application name no other test uses). The slices run
 * Flyway and Liquibase, which this module's test classpath holds but has no migrations for.
 */
final class SliceDatabase {

	static final String STATEMENT_TIMEOUT = "42s";

	private SliceDatabase() {
	}

	/**
	 * The pool of the {@code dataSource} bean, which the test classpath's datasource-proxy wraps.
	 */
	static HikariDataSource pool(TunedPools pools) {
		TunedPool pool = pools.get("dataSource");
		if (pool == null) {
			throw new IllegalStateException("Poolwise did not tune the slice's pool");
		}
		return pool.dataSource();
	}

	static void register(DynamicPropertyRegistry registry, String applicationName) {
		registry.add("spring.datasource.url", PostgresServer::jdbcUrl);
		registry.add("spring.datasource.username", PostgresServer::username);
		registry.add("spring.datasource.password", () -> PostgresServer.PASSWORD);
		registry.add("spring.flyway.enabled", () -> "false");
		registry.add("spring.liquibase.enabled", () -> "false");
		registry.add("db.pool.size", () -> "2");
		registry.add("db.pool.overflow", () -> "3");
		registry.add("db.pool.session.statement-timeout", () -> STATEMENT_TIMEOUT);
		registry.add("db.pool.application-name", () -> applicationName);
	}

}
