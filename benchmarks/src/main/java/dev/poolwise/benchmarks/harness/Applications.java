package dev.poolwise.benchmarks.harness;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.zaxxer.hikari.HikariDataSource;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.data.jpa.autoconfigure.DataJpaRepositoriesAutoConfiguration;
import org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcClientAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The Spring Boot applications the load compares, side by side in this JVM: Boot with
 * {@code spring-boot-starter-jdbc} only; a web application with the Poolwise starter, Actuator and
 * Prometheus, configured as a careful team would run it, with everything Poolwise offers switched on; and
 * the same web application with the same pool settings written by hand and Poolwise left out.
 */
public final class Applications {

	/** Everything the Poolwise starter auto-configures, for the application without it. */
	public static final List<String> POOLWISE_AUTO_CONFIGURATIONS = List.of(
			"dev.poolwise.autoconfigure.PoolwiseAutoConfiguration",
			"dev.poolwise.autoconfigure.health.PoolHealthContributorAutoConfiguration",
			"dev.poolwise.autoconfigure.metrics.PoolMetricsAutoConfiguration",
			"dev.poolwise.autoconfigure.endpoint.DbPoolEndpointAutoConfiguration");

	/** The Spring Boot applications compared at every client count. */
	public static final List<Variant> COMPARED = List.of(Variant.BOOT, Variant.HAND_TUNED, Variant.POOLWISE);

	/** The realistic Poolwise configuration, also shown in the report. */
	public static final Map<String, String> POOLWISE_PROPERTIES = poolwiseProperties();

	private Applications() {
	}

	public static RunningApplication bootDefault(BenchmarkDatabase database) {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(JdbcStarterApplication.class)
			.web(WebApplicationType.NONE)
			.properties(common(database))
			.run();
		return new RunningApplication(context, context.getBean(HikariDataSource.class), null);
	}

	public static RunningApplication poolwise(BenchmarkDatabase database) {
		return poolwise(database, Map.of());
	}

	/**
	 * The Poolwise application with some properties changed, to tell what a difference comes from.
	 * @param overrides properties to set, or with a null value to leave out
	 */
	public static RunningApplication poolwise(BenchmarkDatabase database, Map<String, @Nullable String> overrides) {
		Map<String, Object> properties = common(database);
		properties.putAll(POOLWISE_PROPERTIES);
		overrides.forEach((name, value) -> {
			if (value != null) {
				properties.put(name, value);
			}
			else {
				properties.remove(name);
			}
		});
		return web(properties);
	}

	/**
	 * The applications the load compares at each client count, side by side.
	 * @return them under their variants, in the order of {@link #COMPARED}; the caller closes them
	 */
	public static Map<Variant, RunningApplication> compared(BenchmarkDatabase database) {
		Map<Variant, RunningApplication> applications = new EnumMap<>(Variant.class);
		try {
			applications.put(Variant.BOOT, bootDefault(database));
			applications.put(Variant.POOLWISE, poolwise(database));
			applications.put(Variant.HAND_TUNED, handTuned(database, applications.get(Variant.POOLWISE).dataSource()));
			return applications;
		}
		catch (RuntimeException ex) {
			applications.values().forEach(RunningApplication::close);
			throw ex;
		}
	}

	/**
	 * The same web application and pool without Poolwise: its auto-configurations excluded, and every
	 * Hikari and driver setting Poolwise gave the pool written by hand under spring.datasource.hikari
	 * (but its keepalive socket factory, which costs nothing per operation). Boot's own db health
	 * indicator stays on, as it would. The difference to the Poolwise application is what Poolwise adds:
	 * its health indicator, meters, sampler and the post-processor's work at startup.
	 * @param tuned the pool of a running Poolwise application
	 */
	public static RunningApplication handTuned(BenchmarkDatabase database, HikariDataSource tuned) {
		Map<String, Object> properties = common(database);
		properties.put("spring.autoconfigure.exclude", String.join(",", POOLWISE_AUTO_CONFIGURATIONS));
		properties.put("spring.application.name", "hand-tuned-bench");
		properties.put("server.port", "0");
		properties.put("management.endpoints.web.exposure.include", "health,prometheus");
		properties.put("management.endpoint.health.show-details", "always");
		String hikari = "spring.datasource.hikari.";
		properties.put(hikari + "minimum-idle", tuned.getMinimumIdle());
		properties.put(hikari + "maximum-pool-size", tuned.getMaximumPoolSize());
		properties.put(hikari + "connection-timeout", tuned.getConnectionTimeout());
		properties.put(hikari + "validation-timeout", tuned.getValidationTimeout());
		properties.put(hikari + "max-lifetime", tuned.getMaxLifetime());
		properties.put(hikari + "idle-timeout", tuned.getIdleTimeout());
		properties.put(hikari + "keepalive-time", tuned.getKeepaliveTime());
		properties.put(hikari + "leak-detection-threshold", tuned.getLeakDetectionThreshold());
		tuned.getDataSourceProperties().forEach((name, value) -> {
			if (!name.toString().startsWith("socketFactory")) {
				properties.put(hikari + "data-source-properties.[" + name + "]", value);
			}
		});
		return web(properties);
	}

	private static RunningApplication web(Map<String, Object> properties) {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(WebApplication.class)
			.web(WebApplicationType.SERVLET)
			.properties(properties)
			.run();
		int port = ((WebServerApplicationContext) context).getWebServer().getPort();
		return new RunningApplication(context, context.getBean(HikariDataSource.class), new Scraper(port));
	}

	/**
	 * What every Spring Boot application of a run is given: the benchmark server and role, no banner,
	 * warnings only.
	 */
	public static Map<String, Object> common(BenchmarkDatabase database) {
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
	 * Everything on the classpath: Spring MVC, Actuator, Micrometer with Prometheus, and Poolwise unless
	 * excluded; but not JPA, which is there only for the batched-writes comparison.
	 */
	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration(exclude = { HibernateJpaAutoConfiguration.class, DataJpaRepositoriesAutoConfiguration.class })
	static class WebApplication {

	}

}
