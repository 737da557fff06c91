package dev.poolwise.benchmarks.load;

import java.util.LinkedHashMap;
import java.util.Map;

import com.zaxxer.hikari.HikariDataSource;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcClientAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The two Spring Boot applications the load compares, started in this JVM one at a time: Boot with
 * {@code spring-boot-starter-jdbc} only, and a web application with the Poolwise starter, Actuator and
 * Prometheus, configured as a careful team would run it, with everything Poolwise offers switched on.
 */
final class Applications {

	/** The realistic Poolwise configuration, also shown in the report. */
	static final Map<String, String> POOLWISE_PROPERTIES = poolwiseProperties();

	private Applications() {
	}

	static RunningApplication bootDefault(BenchmarkDatabase database) {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(JdbcStarterApplication.class)
			.web(WebApplicationType.NONE)
			.properties(common(database))
			.run();
		return new RunningApplication(context, context.getBean(HikariDataSource.class), null);
	}

	static RunningApplication poolwise(BenchmarkDatabase database) {
		return poolwise(database, Map.of());
	}

	/**
	 * The Poolwise application with some properties changed, to find out what a difference comes from.
	 */
	static RunningApplication poolwise(BenchmarkDatabase database, Map<String, String> overrides) {
		Map<String, Object> properties = common(database);
		properties.putAll(POOLWISE_PROPERTIES);
		properties.putAll(overrides);
		ConfigurableApplicationContext context = new SpringApplicationBuilder(PoolwiseApplication.class)
			.web(WebApplicationType.SERVLET)
			.properties(properties)
			.run();
		int port = ((WebServerApplicationContext) context).getWebServer().getPort();
		return new RunningApplication(context, context.getBean(HikariDataSource.class), new Scraper(port));
	}

	private static Map<String, Object> common(BenchmarkDatabase database) {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("spring.datasource.url", database.jdbcUrl(BenchmarkDatabase.DATABASE));
		properties.put("spring.datasource.username", BenchmarkDatabase.USER);
		properties.put("spring.datasource.password", database.password());
		properties.put("spring.main.banner-mode", "off");
		properties.put("logging.level.root", "WARN");
		return properties;
	}

	private static Map<String, String> poolwiseProperties() {
		Map<String, String> properties = new LinkedHashMap<>();
		properties.put("spring.application.name", "poolwise-bench");
		properties.put("server.port", "0");
		properties.put("management.endpoints.web.exposure.include", "health,prometheus,dbpool");
		properties.put("management.endpoint.health.show-details", "always");
		properties.put("management.health.db.enabled", "false");
		properties.put("db.pool.size", "5");
		properties.put("db.pool.overflow", "5");
		properties.put("db.pool.timeout", "5s");
		properties.put("db.pool.recycle", "30m");
		properties.put("db.pool.idle-timeout", "10m");
		properties.put("db.pool.keepalive", "2m");
		properties.put("db.pool.leak-detection-threshold", "30s");
		properties.put("db.pool.session.statement-timeout", "30s");
		properties.put("db.pool.session.lock-timeout", "5s");
		properties.put("db.pool.session.idle-in-transaction-timeout", "1m");
		properties.put("db.pool.session.settings.work-mem", "8MB");
		properties.put("db.pool.session.settings.random-page-cost", "1.1");
		properties.put("db.pool.monitor.interval", "1s");
		return properties;
	}

	/**
	 * What {@code spring-boot-starter-jdbc} alone auto-configures.
	 */
	@SpringBootConfiguration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ DataSourceAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class,
			JdbcTemplateAutoConfiguration.class, JdbcClientAutoConfiguration.class })
	static class JdbcStarterApplication {

	}

	/**
	 * Everything on the classpath, Poolwise, Actuator, Micrometer and Spring MVC among it.
	 */
	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class PoolwiseApplication {

	}

}
