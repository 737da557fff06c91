package dev.poolwise.autoconfigure.web;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.http.converter.autoconfigure.HttpMessageConvertersAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.tomcat.autoconfigure.servlet.TomcatServletWebServerAutoConfiguration;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.DispatcherServletAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.EnableTransactionManagement;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;

import dev.poolwise.autoconfigure.PoolwiseAutoConfiguration;
import dev.poolwise.test.LocalHttp;
import dev.poolwise.test.ReplicatedServers;
import dev.poolwise.web.ReadYourWritesFilter;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Read-your-writes across requests in a real Tomcat against a real primary and two standbys that replay 2 s
 * late: a client that creates a row with a POST and reads it with a GET on another request finds it, by the
 * cookie a browser sends back or by the header another client copies; startup fails without a secret or
 * without replicas.
 */
class ReadYourWritesWebAutoConfigurationTests {

	private static final ReplicatedServers servers = ReplicatedServers.shared();

	private static final String SECRET = "db.pool.replicas.consistency.secret=0123456789abcdef0123456789abcdef";

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, PoolwiseAutoConfiguration.class,
				ReadYourWritesWebAutoConfiguration.class))
		.withPropertyValues("spring.datasource.url=" + servers.primaryUrl(""), "spring.datasource.username=postgres",
				"db.pool.replicas.url=" + servers.standbysUrl(0, 1), "db.pool.replicas.consistency.enabled=true");

	@BeforeAll
	static void createTable() throws SQLException {
		try (Connection connection = servers.connectPrimary(); Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE IF NOT EXISTS owners (id serial PRIMARY KEY, name text)");
		}
	}

	@Test
	void aGetAfterAPostOnAnotherRequestFindsWhatThePostCreatedByCookieOrByHeader() throws SQLException {
		servers.delayStandby(0, Duration.ofSeconds(2));
		servers.delayStandby(1, Duration.ofSeconds(2));
		try (ConfigurableApplicationContext context = start(SECRET)) {
			RestClient http = LocalHttp.client(context);
			int found = 0;
			for (int i = 0; i < 10; i++) {
				ResponseEntity<String> created = http.post().uri("/owners").retrieve().toEntity(String.class);
				List<String> cookies = created.getHeaders().get(HttpHeaders.SET_COOKIE);
				assertThat(cookies).singleElement().asString().startsWith("db-pool-lsn=").contains("HttpOnly");
				String cookie = cookies.get(0).substring(0, cookies.get(0).indexOf(';'));
				ResponseEntity<String> read = (i % 2 == 0)
						? http.get().uri("/owners/" + created.getBody()).header(HttpHeaders.COOKIE, cookie).retrieve()
							.toEntity(String.class)
						: http.get().uri("/owners/" + created.getBody())
							.header("Db-Pool-Lsn", created.getHeaders().getFirst("Db-Pool-Lsn")).retrieve()
							.toEntity(String.class);
				found += (read.getStatusCode() == HttpStatus.OK) ? 1 : 0;
			}
			assertThat(found).as("GETs of the owner just created, of 10").isEqualTo(10);
			ResponseEntity<String> read = http.get().uri("/owners/1").retrieve().toEntity(String.class);
			assertThat(read.getHeaders().containsHeader(HttpHeaders.SET_COOKIE)).as("a request that wrote nothing")
				.isFalse();
		}
		finally {
			servers.delayStandby(0, Duration.ZERO);
			servers.delayStandby(1, Duration.ZERO);
		}
	}

	@Test
	void withoutASecretLongEnoughStartupFailsNamingTheKey() {
		this.contextRunner.withPropertyValues("db.pool.replicas.consistency.secret=short").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure())
				.hasStackTraceContaining("db.pool.replicas.consistency.secret=(5 characters)")
				.hasStackTraceContaining("at least 32 characters");
		});
	}

	@Test
	void withoutReplicasStartupFailsNamingTheKey() {
		this.contextRunner.withPropertyValues(SECRET, "db.pool.replicas.url=").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure())
				.hasStackTraceContaining("db.pool.replicas.url=(not set)");
		});
	}

	@Test
	void withReadYourWritesOffStartupFailsNamingTheKey() {
		this.contextRunner.withPropertyValues(SECRET, "db.pool.replicas.read-your-writes=false").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure())
				.hasStackTraceContaining("db.pool.replicas.consistency.enabled=true")
				.hasStackTraceContaining("db.pool.replicas.read-your-writes=true");
		});
	}

	@Test
	void theFilterIsThereOnlyWhenSwitchedOn() {
		this.contextRunner.withPropertyValues(SECRET)
			.run((context) -> assertThat(context).hasSingleBean(ReadYourWritesFilter.class));
		this.contextRunner.withPropertyValues(SECRET, "db.pool.replicas.consistency.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(ReadYourWritesFilter.class));
	}

	private static ConfigurableApplicationContext start(String... properties) {
		return new SpringApplicationBuilder(WebApp.class).web(WebApplicationType.SERVLET)
			.properties("spring.datasource.url=" + servers.primaryUrl(""), "spring.datasource.username=postgres",
					"db.pool.replicas.url=" + servers.standbysUrl(0, 1), "db.pool.replicas.max-lag=10s",
					"db.pool.replicas.consistency.enabled=true", "server.port=0")
			.properties(properties)
			.run();
	}

	@Configuration(proxyBeanMethods = false)
	@EnableTransactionManagement
	@ImportAutoConfiguration({ TomcatServletWebServerAutoConfiguration.class,
			DispatcherServletAutoConfiguration.class, WebMvcAutoConfiguration.class, JacksonAutoConfiguration.class,
			HttpMessageConvertersAutoConfiguration.class, DataSourceAutoConfiguration.class,
			DataSourceTransactionManagerAutoConfiguration.class, JdbcTemplateAutoConfiguration.class,
			TransactionAutoConfiguration.class, PoolwiseAutoConfiguration.class,
			ReadYourWritesWebAutoConfiguration.class })
	@Import(OwnerController.class)
	static class WebApp {

	}

	@RestController
	static class OwnerController {

		private final JdbcTemplate jdbc;

		OwnerController(JdbcTemplate jdbc) {
			this.jdbc = jdbc;
		}

		@PostMapping("/owners")
		@Transactional
		public Integer create() {
			return this.jdbc.queryForObject("INSERT INTO owners (name) VALUES ('owner') RETURNING id", Integer.class);
		}

		@GetMapping("/owners/{id}")
		@Transactional(readOnly = true)
		public ResponseEntity<Map<String, Object>> find(@PathVariable int id) {
			List<Map<String, Object>> rows = this.jdbc.queryForList("SELECT id, name FROM owners WHERE id = ?", id);
			return rows.isEmpty() ? ResponseEntity.notFound().build() : ResponseEntity.ok(rows.get(0));
		}

	}

}
