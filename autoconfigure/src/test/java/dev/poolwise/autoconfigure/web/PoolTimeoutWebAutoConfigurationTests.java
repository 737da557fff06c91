package dev.poolwise.autoconfigure.web;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.function.Consumer;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.http.converter.autoconfigure.HttpMessageConvertersAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.tomcat.autoconfigure.servlet.TomcatServletWebServerAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.DispatcherServletAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.error.ErrorMvcAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.client.RestClient;

import dev.poolwise.autoconfigure.PoolwiseAutoConfiguration;
import dev.poolwise.test.FaultProxy;
import dev.poolwise.test.LocalHttp;
import dev.poolwise.test.PostgresServer;
import dev.poolwise.web.PoolTimeoutExceptionResolver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A pool timeout over real HTTP, in a servlet application on a pool of one connection that the test holds,
 * so that every request waits {@code db.pool.timeout} in vain.
 */
@ExtendWith(OutputCaptureExtension.class)
class PoolTimeoutWebAutoConfigurationTests {

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PoolTimeoutWebAutoConfiguration.class));

	@Test
	void poolTimeoutIsA503WithRetryAfterAndAProblemDetailNamingThePool() throws SQLException {
		runHoldingTheOnlyConnection(new Class<?>[0], (http) -> {
			ResponseEntity<String> response = get(http, "/count");
			assertThat(response.getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
			assertThat(response.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("1");
			assertThat(response.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
			JsonNode problem = JsonMapper.shared().readTree(response.getBody());
			assertThat(problem.path("status").asInt()).isEqualTo(503);
			assertThat(problem.path("pool").asString()).isEqualTo("dataSource");
			assertThat(problem.path("surfacedThrough").asString()).isEqualTo("spring");
			assertThat(problem.path("waitedMillis").asLong()).isGreaterThanOrEqualTo(250);
			assertThat(problem.path("instance").asString()).isEqualTo("/count");
			assertThat(problem.path("detail").asString()).contains("pool 'dataSource'");
		});
	}

	@Test
	void aRequestTurnedAwayByTheWaiterBoundIsA503AtOnceWithItsReason() throws SQLException {
		runHoldingTheOnlyConnection(new Class<?>[0], (http) -> {
			long start = System.nanoTime();
			ResponseEntity<String> response = get(http, "/count");
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
			assertThat(response.getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
			assertThat(response.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("1");
			JsonNode problem = JsonMapper.shared().readTree(response.getBody());
			assertThat(problem.path("waitedMillis").asLong()).isZero();
			assertThat(problem.path("turnedAway").asString())
				.isEqualTo("0 borrows were waiting, the most db.pool.queue.max-waiting=0 allows");
			assertThat(problem.path("detail").asString()).isEqualTo("No database connection from pool 'dataSource' "
					+ "(turned away at once: 0 borrows were waiting, the most db.pool.queue.max-waiting=0 allows); "
					+ "try again later.");
		}, "db.pool.queue.max-waiting=0", "db.pool.timeout=30s");
	}

	@Test
	void otherServerErrorsStay500() throws SQLException {
		runHoldingTheOnlyConnection(new Class<?>[0], (http) -> assertThat(get(http, "/broken").getStatusCode())
			.isEqualTo(HttpStatus.INTERNAL_SERVER_ERROR));
	}

	@Test
	void applicationsOwnExceptionHandlerWins() throws SQLException {
		runHoldingTheOnlyConnection(new Class<?>[] { BusyAdvice.class }, (http) -> {
			ResponseEntity<String> response = get(http, "/count");
			assertThat(response.getStatusCode()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
			assertThat(response.getBody()).isEqualTo("busy");
			assertThat(response.getHeaders().containsHeader(HttpHeaders.RETRY_AFTER)).isFalse();
		});
	}

	@Test
	void switchedOffAPoolTimeoutStays500() throws SQLException {
		runHoldingTheOnlyConnection(new Class<?>[0], (http) -> {
			ResponseEntity<String> response = get(http, "/count");
			assertThat(response.getStatusCode()).isEqualTo(HttpStatus.INTERNAL_SERVER_ERROR);
			assertThat(response.getHeaders().containsHeader(HttpHeaders.RETRY_AFTER)).isFalse();
		}, "db.pool.web.pool-timeout-status.enabled=false");
	}

	@Test
	void resolverIsRegisteredInAServletApplicationOnly() {
		this.contextRunner.run((context) -> assertThat(context).hasSingleBean(PoolTimeoutExceptionResolver.class));
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(PoolTimeoutWebAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean(PoolTimeoutExceptionResolver.class));
	}

	@Test
	void masterSwitchTurnsItOff() {
		this.contextRunner.withPropertyValues("db.pool.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(PoolTimeoutExceptionResolver.class));
	}

	@Test
	void applicationsOwnResolverBeanReplacesIt() {
		PoolTimeoutExceptionResolver own = new PoolTimeoutExceptionResolver(java.util.List::of);
		this.contextRunner.withBean(PoolTimeoutExceptionResolver.class, () -> own)
			.run((context) -> assertThat(context).getBean(PoolTimeoutExceptionResolver.class).isSameAs(own));
	}

	@Test
	void duringAnOutageThe503AndItsLogNameThePoolsLastConnectionError(CapturedOutput output) {
		try (FaultProxy proxy = FaultProxy.inFrontOf(PostgresServer.jdbcUrl());
				ConfigurableApplicationContext context = start(new Class<?>[0],
						"spring.datasource.url=" + proxy.jdbcUrl())) {
			RestClient http = LocalHttp.client(context);
			assertThat(get(http, "/count").getStatusCode()).isEqualTo(HttpStatus.OK);
			proxy.refuse();
			proxy.closeConnections();
			await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
				ResponseEntity<String> response = get(http, "/count");
				assertThat(response.getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
				JsonNode problem = JsonMapper.shared().readTree(response.getBody());
				assertThat(problem.path("lastConnectionError").asString())
					.isEqualTo("connection refused (SQLState 08001)");
				assertThat(problem.path("detail").asString()).contains("within")
					.contains("the pool cannot connect to the database (last connection error: connection refused");
			});
			assertThat(output).contains("with 503: no connection from pool 'dataSource' within")
				.contains("the pool cannot connect to the database; its last connection error: SQLState 08001: "
						+ "Connection to ")
				.contains(":" + proxy.port() + " refused");
		}
	}

	private void runHoldingTheOnlyConnection(Class<?>[] extraSources, Consumer<RestClient> calls,
			String... properties) throws SQLException {
		try (ConfigurableApplicationContext context = start(extraSources, properties);
				Connection held = context.getBean(HikariDataSource.class).getConnection()) {
			calls.accept(LocalHttp.client(context));
		}
	}

	private static ConfigurableApplicationContext start(Class<?>[] extraSources, String... properties) {
		Class<?>[] sources = new Class<?>[extraSources.length + 1];
		sources[0] = WebApp.class;
		System.arraycopy(extraSources, 0, sources, 1, extraSources.length);
		return new SpringApplicationBuilder(sources).web(WebApplicationType.SERVLET)
			.properties(PostgresServer.datasourceProperties())
			.properties("server.port=0", "db.pool.size=1", "db.pool.overflow=0", "db.pool.timeout=250ms")
			.properties(properties)
			.run();
	}

	private static ResponseEntity<String> get(RestClient http, String uri) {
		return http.get().uri(uri).retrieve().toEntity(String.class);
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ TomcatServletWebServerAutoConfiguration.class,
			DispatcherServletAutoConfiguration.class, WebMvcAutoConfiguration.class, ErrorMvcAutoConfiguration.class,
			JacksonAutoConfiguration.class, HttpMessageConvertersAutoConfiguration.class,
			DataSourceAutoConfiguration.class, PoolwiseAutoConfiguration.class,
			PoolTimeoutWebAutoConfiguration.class })
	@Import(CountController.class)
	static class WebApp {

	}

	@RestController
	static class CountController {

		private final JdbcTemplate jdbcTemplate;

		CountController(DataSource dataSource) {
			this.jdbcTemplate = new JdbcTemplate(dataSource);
		}

		@GetMapping("/count")
		Integer count() {
			return this.jdbcTemplate.queryForObject("SELECT 1", Integer.class);
		}

		@GetMapping("/broken")
		Integer broken() {
			throw new IllegalStateException("not a pool timeout");
		}

	}

	@RestControllerAdvice
	static class BusyAdvice {

		@ExceptionHandler(CannotGetJdbcConnectionException.class)
		ResponseEntity<String> busy() {
			return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS).body("busy");
		}

	}

}
