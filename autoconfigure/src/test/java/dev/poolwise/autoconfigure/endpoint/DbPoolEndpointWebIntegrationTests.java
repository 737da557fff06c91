package dev.poolwise.autoconfigure.endpoint;

import java.security.Principal;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.jackson.JacksonEndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.server.ManagementContextAutoConfiguration;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.http.converter.autoconfigure.HttpMessageConvertersAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.metrics.DataSourcePoolMetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.servlet.autoconfigure.actuate.web.ServletManagementContextAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ContextConsumer;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.webmvc.autoconfigure.DispatcherServletAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.core.convert.support.ConfigurableConversionService;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;
import org.springframework.web.context.WebApplicationContext;

import dev.poolwise.autoconfigure.PoolwiseAutoConfiguration;
import dev.poolwise.autoconfigure.health.PoolHealthContributorAutoConfiguration;
import dev.poolwise.autoconfigure.metrics.PoolMetricsAutoConfiguration;
import dev.poolwise.endpoint.DbPoolEndpoint;
import dev.poolwise.endpoint.DbPoolEndpointWebExtension;
import dev.poolwise.test.FaultProxy;
import dev.poolwise.test.PostgresServer;
import dev.poolwise.test.Sessions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code /actuator/dbpool} over HTTP against a real server.
 */
class DbPoolEndpointWebIntegrationTests {

	private static final int CONCURRENT_READS = 20;

	private static final String UNRESTRICTED = "management.endpoint.dbpool.access=unrestricted";

	private static final String API_KEY = "k3y-7f2a9c41";

	private static final String LONGEST_RUNNING_QUERY = "$.pools.dataSource.server.longestRunning[0].query";

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class,
				HttpMessageConvertersAutoConfiguration.class, WebMvcAutoConfiguration.class,
				DispatcherServletAutoConfiguration.class, EndpointAutoConfiguration.class,
				JacksonEndpointAutoConfiguration.class, WebEndpointAutoConfiguration.class,
				ManagementContextAutoConfiguration.class, ServletManagementContextAutoConfiguration.class,
				DataSourceAutoConfiguration.class, PoolwiseAutoConfiguration.class, MetricsAutoConfiguration.class,
				DataSourcePoolMetricsAutoConfiguration.class, PoolMetricsAutoConfiguration.class,
				DbPoolEndpointAutoConfiguration.class))
		.withBean(SimpleMeterRegistry.class)
		// as SpringApplication sets it, so that "access=unrestricted" converts as in an application
		.withInitializer((context) -> context.getEnvironment()
			.setConversionService((ConfigurableConversionService) ApplicationConversionService.getSharedInstance()))
		.withPropertyValues(PostgresServer.datasourceProperties())
		.withPropertyValues("management.endpoints.web.exposure.include=dbpool",
				"management.metrics.use-global-registry=false", "db.pool.size=2", "db.pool.overflow=3",
				"db.pool.monitor.interval=1s", "spring.application.name=endpoint-app");

	@Test
	void readShowsConfigurationWithSourcesPoolCountersAndServerSessions() {
		this.contextRunner
			.withPropertyValues("spring.datasource.url=" + PostgresServer.jdbcUrl() + "&password="
					+ PostgresServer.PASSWORD, "db.pool.session.settings.work-mem=8MB")
			.run(withMockMvc((mvc, pool) -> {
				try (Connection session = Sessions.idleInTransaction("endpoint-app")) {
					Sessions.execute(session, "SELECT 'card-4111-1111' AS secret");
					MvcTestResult result = mvc.get().uri("/actuator/dbpool").exchange();
					assertThat(result).hasStatusOk();
					assertThat(result).bodyText()
						.contains("password=******")
						.doesNotContain(PostgresServer.PASSWORD)
						.doesNotContain("card-4111-1111");
					assertThat(result).bodyJson()
						.extractingPath("$.pools.dataSource.configuration.size")
						.isEqualTo(Map.of("value", 2, "source", "db.pool.size"));
					assertThat(result).bodyJson()
						.extractingPath("$.pools.dataSource.configuration.timeout")
						.isEqualTo(Map.of("value", "30s", "source", "default"));
					assertThat(result).bodyJson()
						.extractingPath("$.pools.dataSource.driverProperties.ApplicationName.source")
						.isEqualTo("spring.application.name");
					assertThat(result).bodyJson()
						.extractingPath("$.pools.dataSource.session.work_mem")
						.isEqualTo("******");
					assertThat(result).bodyJson().extractingPath("$.pools.dataSource.statistics.max").isEqualTo(5);
					assertThat(result).bodyJson()
						.extractingPath("$.pools.dataSource.server.sessions.application.idle_in_transaction")
						.isEqualTo(1);
					assertThat(result).bodyJson()
						.extractingPath(LONGEST_RUNNING_QUERY)
						.isEqualTo("******");
				}
			}));
	}

	@ParameterizedTest(name = "show-values={0}")
	@CsvSource({ "always, SELECT 'card-4111-1111' AS secret", "when-authorized, ******", "never, ******" })
	void queryTextsAreShownOnlyWhenShowValuesAllowsIt(String showValues, String shown) {
		this.contextRunner.withPropertyValues("management.endpoint.dbpool.show-values=" + showValues)
			.run(withMockMvc((mvc, pool) -> {
				try (Connection session = Sessions.idleInTransaction("endpoint-app")) {
					Sessions.execute(session, "SELECT 'card-4111-1111' AS secret");
					assertThat(mvc.get().uri("/actuator/dbpool")).bodyJson()
						.extractingPath(LONGEST_RUNNING_QUERY)
						.isEqualTo(shown);
				}
			}));
	}

	@Test
	void whenAuthorizedShowsQueryTextsOnlyToAUserInAConfiguredRole() {
		this.contextRunner
			.withPropertyValues("management.endpoint.dbpool.show-values=when-authorized",
					"management.endpoint.dbpool.roles=ops")
			.run(withMockMvc((mvc, pool) -> {
				try (Connection session = Sessions.idleInTransaction("endpoint-app")) {
					Sessions.execute(session, "SELECT 'card-4111-1111' AS secret");
					assertThat(readAs(mvc, () -> "operator", "ops")).bodyJson()
						.extractingPath(LONGEST_RUNNING_QUERY)
						.isEqualTo("SELECT 'card-4111-1111' AS secret");
					assertThat(readAs(mvc, () -> "developer", "dev")).bodyJson()
						.extractingPath(LONGEST_RUNNING_QUERY)
						.isEqualTo("******");
				}
			}));
	}

	@Test
	void whenAuthorizedWithoutRolesShowsQueryTextsToAnyAuthenticatedUser() {
		this.contextRunner.withPropertyValues("management.endpoint.dbpool.show-values=when-authorized")
			.run(withMockMvc((mvc, pool) -> {
				try (Connection session = Sessions.idleInTransaction("endpoint-app")) {
					Sessions.execute(session, "SELECT 'card-4111-1111' AS secret");
					assertThat(readAs(mvc, () -> "developer", "dev")).bodyJson()
						.extractingPath(LONGEST_RUNNING_QUERY)
						.isEqualTo("SELECT 'card-4111-1111' AS secret");
				}
			}));
	}

	@Test
	void indexUsageWhenEnabledListsANeverScannedIndexButNotAUniqueOne() throws SQLException {
		try (Connection admin = PostgresServer.connect()) {
			Sessions.execute(admin, "CREATE TABLE endpoint_orders (id bigint PRIMARY KEY, code text UNIQUE, "
					+ "customer bigint)");
			Sessions.execute(admin, "CREATE INDEX endpoint_orders_customer ON endpoint_orders (customer)");
			try {
				this.contextRunner.withPropertyValues("management.endpoint.dbpool.index-usage=true")
					.run(withMockMvc((mvc, pool) -> {
					MvcTestResult result = mvc.get().uri("/actuator/dbpool").exchange();
					assertThat(result).bodyJson()
						.extractingPath("$.pools.dataSource.indexes.unused[*].name")
						.asArray()
						.contains("endpoint_orders_customer")
						.doesNotContain("endpoint_orders_pkey", "endpoint_orders_code_key");
					assertThat(result).bodyJson()
						.extractingPath("$.pools.dataSource.indexes.largest[*].name")
						.asArray()
						.contains("endpoint_orders_customer", "endpoint_orders_pkey", "endpoint_orders_code_key");
					assertThat(result).bodyJson()
						.extractingPath("$.pools.dataSource.indexes.unused[0].sizeBytes")
						.asNumber()
						.isEqualTo(8192);
				}));
			}
			finally {
				Sessions.execute(admin, "DROP TABLE endpoint_orders");
			}
		}
	}

	@Test
	void serverIsReadEvenWhenThePoolIsExhausted() {
		// an application name of its own, so pools of other tests still closing on the server do not count
		this.contextRunner
			.withPropertyValues("db.pool.size=1", "db.pool.overflow=0", "db.pool.timeout=250ms",
					"db.pool.application-name=endpoint-exhausted-pool")
			.run(withMockMvc((mvc, pool) -> {
				try (Connection only = pool.getConnection()) {
					MvcTestResult result = mvc.get().uri("/actuator/dbpool").exchange();
					assertThat(result).bodyJson().extractingPath("$.pools.dataSource.statistics.active").isEqualTo(1);
					assertThat(result).bodyJson()
						.extractingPath("$.pools.dataSource.server.sessions.application.idle")
						.isEqualTo(1);
				}
			}));
	}

	@Test
	void concurrentReadsShareOneServerReadPerPool() {
		try (FaultProxy proxy = FaultProxy.inFrontOf(PostgresServer.jdbcUrl())) {
			this.contextRunner
				// a time-to-live longer than the burst takes on a loaded machine: one read serves all
				.withPropertyValues("spring.datasource.url=" + proxy.jdbcUrl(), "db.pool.monitor.enabled=false",
						"management.endpoint.dbpool.sample-ttl=1m")
				.run(withMockMvc((mvc, pool) -> {
					try (Connection connection = pool.getConnection()) {
						assertThat(connection.isValid(1)).isTrue();
					}
					await().atMost(Duration.ofSeconds(30))
						.until(() -> pool.getHikariPoolMXBean().getTotalConnections() == 2);
					int before = proxy.acceptedConnections();
					ExecutorService callers = Executors.newFixedThreadPool(CONCURRENT_READS);
					try {
						CountDownLatch start = new CountDownLatch(1);
						List<Future<Integer>> reads = new ArrayList<>();
						for (int i = 0; i < CONCURRENT_READS; i++) {
							reads.add(callers.submit(() -> {
								start.await();
								return mvc.get().uri("/actuator/dbpool").exchange().getResponse().getStatus();
							}));
						}
						start.countDown();
						for (Future<Integer> read : reads) {
							assertThat(read.get()).isEqualTo(200);
						}
					}
					finally {
						callers.shutdownNow();
					}
					assertThat(proxy.acceptedConnections() - before).as("connections the endpoint opened")
						.isEqualTo(1);
				}));
		}
	}

	@Test
	void readListsTheJvmWideRegistryOfLivePools() {
		this.contextRunner.run(withMockMvc((mvc, pool) -> {
			MvcTestResult result = mvc.get().uri("/actuator/dbpool").exchange();
			assertThat(result).bodyJson().extractingPath("$.registry[*].name").asArray().contains("dataSource");
			assertThat(result).bodyJson()
				.extractingPath("$.registry[0].target")
				.asString()
				.startsWith("******@");
			assertThat(result).bodyJson().extractingPath("$.registry[0].max").isEqualTo(pool.getMaximumPoolSize());
		}));
	}

	@Test
	void readListsEveryPoolByBeanNameWithItsOwnConfiguration() {
		this.contextRunner.withBean("primary", HikariDataSource.class, PostgresServer::unstartedPool)
			.withBean("reporting", HikariDataSource.class, PostgresServer::unstartedPool)
			.withPropertyValues("db.pool.datasources.reporting.size=1", "db.pool.datasources.reporting.overflow=7",
					"db.pool.datasources.reporting.timeout=4s")
			.run((context) -> {
				MvcTestResult result = MockMvcTester.from(context).get().uri("/actuator/dbpool").exchange();
				assertThat(result).hasStatusOk();
				assertThat(result).bodyJson()
					.extractingPath("$.pools")
					.asMap()
					.containsOnlyKeys("primary", "reporting");
				assertThat(result).bodyJson()
					.extractingPath("$.pools.primary.configuration.size")
					.isEqualTo(Map.of("value", 2, "source", "db.pool.size"));
				assertThat(result).bodyJson()
					.extractingPath("$.pools.primary.configuration.timeout")
					.isEqualTo(Map.of("value", "30s", "source", "default"));
				assertThat(result).bodyJson().extractingPath("$.pools.primary.statistics.max").isEqualTo(5);
				assertThat(result).bodyJson()
					.extractingPath("$.pools.reporting.configuration.size")
					.isEqualTo(Map.of("value", 1, "source", "db.pool.datasources.reporting.size"));
				assertThat(result).bodyJson()
					.extractingPath("$.pools.reporting.configuration.timeout")
					.isEqualTo(Map.of("value", "4s", "source", "db.pool.datasources.reporting.timeout"));
				assertThat(result).bodyJson().extractingPath("$.pools.reporting.statistics.max").isEqualTo(8);
				assertThat(result).bodyJson()
					.extractingPath("$.registry[*].name")
					.asArray()
					.contains("primary", "reporting");
			});
	}

	@Test
	void recommendationExplainsTheMeasuredLoad() {
		this.contextRunner.run(withMockMvc((mvc, pool) -> {
			try (Connection connection = pool.getConnection()) {
				assertThat(connection.isValid(1)).isTrue();
			}
			await().untilAsserted(() -> assertThat(mvc.get().uri("/actuator/dbpool")).bodyJson()
				.extractingPath("$.pools.dataSource.recommendation.recommendedSize")
				.isEqualTo(1));
			assertThat(mvc.get().uri("/actuator/dbpool")).bodyJson()
				.extractingPath("$.pools.dataSource.recommendation.reasoning")
				.asString()
				.contains("Little's law")
				.contains("It allows 5 (2 permanent)");
		}));
	}

	@Test
	void resizeIsRefusedUnlessEnabled() {
		this.contextRunner.withPropertyValues(UNRESTRICTED).run(withMockMvc((mvc, pool) -> {
			MvcTestResult result = resize(mvc, "dataSource", "{\"size\":4,\"overflow\":6}");
			assertThat(result).hasStatus(HttpStatus.FORBIDDEN);
			assertThat(result).bodyJson()
				.extractingPath("$.message")
				.asString()
				.contains("set db.pool.endpoint.resize-enabled=true");
			assertThat(pool.getMinimumIdle()).isEqualTo(2);
			assertThat(pool.getMaximumPoolSize()).isEqualTo(5);
		}));
	}

	@Test
	void resizeChangesTheLivePoolWhenEnabled() {
		this.contextRunner.withPropertyValues(UNRESTRICTED, "db.pool.endpoint.resize-enabled=true").run(withMockMvc((mvc, pool) -> {
			try (Connection connection = pool.getConnection()) {
				MvcTestResult result = resize(mvc, "dataSource", "{\"size\":4,\"overflow\":6}");
				assertThat(result).hasStatusOk();
				assertThat(result).bodyJson()
					.extractingPath("$.current")
					.isEqualTo(Map.of("size", 4, "overflow", 6, "max", 10));
				assertThat(result).bodyJson()
					.extractingPath("$.previous")
					.isEqualTo(Map.of("size", 2, "overflow", 3, "max", 5));
			}
			assertThat(pool.getHikariConfigMXBean().getMinimumIdle()).isEqualTo(4);
			assertThat(pool.getHikariConfigMXBean().getMaximumPoolSize()).isEqualTo(10);
			await().untilAsserted(() -> assertThat(pool.getHikariPoolMXBean().getTotalConnections()).isEqualTo(4));
			assertThat(mvc.get().uri("/actuator/dbpool")).bodyJson()
				.extractingPath("$.pools.dataSource.configuration.size.source")
				.isEqualTo("runtime resize (/actuator/dbpool)");
		}));
	}

	@Test
	void resizeBeyondTheConnectionBudgetWarns() {
		this.contextRunner.withPropertyValues(UNRESTRICTED, "db.pool.endpoint.resize-enabled=true", "db.pool.instances=2")
			.run(withMockMvc((mvc, pool) -> {
				MvcTestResult result = resize(mvc, "dataSource", "{\"overflow\":198}");
				assertThat(result).hasStatusOk();
				assertThat(result).bodyJson()
					.extractingPath("$.warnings[0]")
					.asString()
					.startsWith("connection budget exceeded: 2 instance(s) x 200 connections = 400, but the server "
							+ "has max_connections=300")
					.contains("at startup; the server may refuse new connections. Keep size + overflow of "
							+ "'dataSource' at or below")
					.endsWith("(db.pool.budget.enforce=true refuses such a resize instead)");
				assertThat(pool.getMaximumPoolSize()).isEqualTo(200);
			}));
	}

	@Test
	void resizeBeyondAnEnforcedConnectionBudgetIsRefusedAsStartupWouldBe() {
		this.contextRunner
			.withPropertyValues(UNRESTRICTED, "db.pool.endpoint.resize-enabled=true", "db.pool.instances=2",
					"db.pool.budget.enforce=true")
			.run(withMockMvc((mvc, pool) -> {
				MvcTestResult result = resize(mvc, "dataSource", "{\"overflow\":198}");
				assertThat(result).hasStatus(HttpStatus.BAD_REQUEST);
				assertThat(result).bodyJson().extractingPath("$.outcome").isEqualTo("INVALID");
				assertThat(result).bodyJson().extractingPath("$.violations[0].property").isEqualTo("size + overflow");
				assertThat(result).bodyJson().extractingPath("$.violations[0].value").isEqualTo(200);
				assertThat(result).bodyJson()
					.extractingPath("$.violations[0].rule")
					.asString()
					.startsWith("connection budget exceeded: 2 instance(s) x 200 connections = 400, but the server "
							+ "has max_connections=300 - 3 superuser_reserved - 0 reserved - ");
				assertThat(result).bodyJson()
					.extractingPath("$.violations[0].fix")
					.asString()
					.startsWith("Keep size + overflow of 'dataSource' at or below ")
					.contains(" per instance, e.g. size=2 and overflow=");
				assertThat(result).bodyJson()
					.extractingPath("$.message")
					.asString()
					.startsWith("size + overflow=200 is invalid: connection budget exceeded");
				assertThat(pool.getMaximumPoolSize()).isEqualTo(5);
			}));
	}

	@Test
	void resizeWithoutAConnectionBudgetFromStartupIsAppliedAndSaysTheBudgetWasNotChecked() {
		try (FaultProxy proxy = FaultProxy.inFrontOf(PostgresServer.jdbcUrl())) {
			proxy.refuse();
			this.contextRunner
				.withPropertyValues(UNRESTRICTED, "spring.datasource.url=" + proxy.jdbcUrl(), "db.pool.lazy-start=true",
						"db.pool.connect-timeout=1s", "db.pool.timeout=1s", "db.pool.endpoint.resize-enabled=true",
						"db.pool.instances=2", "db.pool.budget.enforce=true")
				.run(withMockMvc((mvc, pool) -> {
					MvcTestResult result = resize(mvc, "dataSource", "{\"overflow\":198}");
					assertThat(result).hasStatusOk();
					assertThat(result).bodyJson()
						.extractingPath("$.warnings")
						.isEqualTo(List.of("Connection budget not checked: the server could not be reached at "
								+ "startup (db.pool.lazy-start=true), so none was measured."));
					assertThat(pool.getMaximumPoolSize()).isEqualTo(200);
				}));
		}
	}

	@Test
	void invalidResizeAnswersBadRequestNamingPropertyValueRuleAndFix() {
		this.contextRunner.withPropertyValues(UNRESTRICTED, "db.pool.endpoint.resize-enabled=true").run(withMockMvc((mvc, pool) -> {
			MvcTestResult result = resize(mvc, "dataSource", "{\"size\":0}");
			assertThat(result).hasStatus(HttpStatus.BAD_REQUEST);
			assertThat(result).bodyJson()
				.extractingPath("$.violations[0]")
				.isEqualTo(Map.of("property", "size", "value", 0, "rule",
						"the pool needs at least one permanent connection", "fix", "Set it to 1 or more."));
			assertThat(result).bodyJson()
				.extractingPath("$.message")
				.isEqualTo("size=0 is invalid: the pool needs at least one permanent connection.");
			assertThat(pool.getMinimumIdle()).isEqualTo(2);
		}));
	}

	@Test
	void resizeOfAnUnknownPoolIsNotFound() {
		this.contextRunner.withPropertyValues(UNRESTRICTED, "db.pool.endpoint.resize-enabled=true")
			.run(withMockMvc((mvc, pool) -> assertThat(resize(mvc, "orders", "{\"size\":3}"))
				.hasStatus(HttpStatus.NOT_FOUND)
				.bodyJson()
				.extractingPath("$.message")
				.isEqualTo("No pool named 'orders'; pools: [dataSource].")));
	}

	@Test
	void endpointWorksWithoutMicrometerAndSaysWhyThereIsNoRecommendation() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(MeterRegistry.class))
			.run(withMockMvc((mvc, pool) -> {
				MvcTestResult result = mvc.get().uri("/actuator/dbpool").exchange();
				assertThat(result).hasStatusOk();
				assertThat(result).bodyJson()
					.extractingPath("$.pools.dataSource.recommendation.reasoning")
					.asString()
					.startsWith("No load measured yet");
				assertThat(result).bodyJson().extractingPath("$.pools.dataSource.server.maxConnections").isEqualTo(297);
			}));
	}

	@Test
	void aSessionSettingValueIsHiddenByDefaultInTheEndpointAndNeverInHealth() {
		this.contextRunner.withPropertyValues("db.pool.session.settings.[myapp.api-key]=" + API_KEY)
			.withConfiguration(AutoConfigurations.of(HealthContributorRegistryAutoConfiguration.class,
					HealthEndpointAutoConfiguration.class, PoolHealthContributorAutoConfiguration.class))
			.withPropertyValues("management.endpoints.web.exposure.include=dbpool,health",
					"management.endpoint.health.show-details=always")
			.run(withMockMvc((mvc, pool) -> {
				MvcTestResult endpoint = mvc.get().uri("/actuator/dbpool").exchange();
				assertThat(endpoint).bodyText().doesNotContain(API_KEY);
				assertThat(endpoint).bodyJson()
					.extractingPath("$.pools.dataSource.session['myapp.api_key']")
					.isEqualTo("******");
				MvcTestResult health = mvc.get().uri("/actuator/health").exchange();
				assertThat(health).bodyText().contains("dbPool").doesNotContain(API_KEY);
			}));
	}

	@Test
	void aSessionSettingValueIsShownWhenShowValuesIsAlwaysUnlessASanitizingFunctionHidesIt() {
		this.contextRunner
			.withPropertyValues("db.pool.session.settings.[myapp.api-key]=" + API_KEY,
					"db.pool.session.settings.[myapp.tenant]=acme", "management.endpoint.dbpool.show-values=always")
			.withBean(SanitizingFunction.class,
					() -> (data) -> data.getLowerCaseKey().contains("api-key") ? data.withSanitizedValue() : data)
			.run(withMockMvc((mvc, pool) -> {
				MvcTestResult result = mvc.get().uri("/actuator/dbpool").exchange();
				assertThat(result).bodyJson()
					.extractingPath("$.pools.dataSource.session['myapp.tenant']")
					.isEqualTo("acme");
				assertThat(result).bodyJson()
					.extractingPath("$.pools.dataSource.session['myapp.api_key']")
					.isEqualTo("******");
			}));
		this.contextRunner
			.withPropertyValues("db.pool.session.settings.[myapp.api-key]=" + API_KEY,
					"management.endpoint.dbpool.show-values=always")
			.run(withMockMvc((mvc, pool) -> assertThat(mvc.get().uri("/actuator/dbpool")).bodyJson()
				.extractingPath("$.pools.dataSource.session['myapp.api_key']")
				.isEqualTo(API_KEY)));
	}

	@ParameterizedTest(name = "show-values={0}")
	@CsvSource({ "always, true", "never, false" })
	void otherApplicationsAndTheRoleAreNamedOnlyWhenShowValuesAllowsIt(String showValues, boolean named) {
		this.contextRunner.withPropertyValues("management.endpoint.dbpool.show-values=" + showValues)
			.run(withMockMvc((mvc, pool) -> {
				try (Connection session = Sessions.idleInTransaction("billing-batch")) {
					Sessions.execute(session, "SELECT 1");
					MvcTestResult result = mvc.get().uri("/actuator/dbpool").exchange();
					assertThat(result).bodyJson()
						.extractingPath("$.pools.dataSource.server.longestRunning[*].applicationName")
						.asArray()
						.contains(named ? "billing-batch" : "******")
						.doesNotContain(named ? "******" : "billing-batch");
					assertThat(result).bodyJson()
						.extractingPath("$.registry[0].target")
						.asString()
						.startsWith((named ? PostgresServer.username() : "******") + "@");
				}
			}));
	}

	@Test
	void aServerMessageKeepsItsSenseButNotTheNamesItQuotes() {
		this.contextRunner
			.withPropertyValues("spring.datasource.url=" + PostgresServer.jdbcUrl().replace("/postgres?", "/billing?"),
					"db.pool.lazy-start=true", "db.pool.connect-timeout=1s", "db.pool.timeout=1s")
			.run(withMockMvc((mvc, pool) -> {
				MvcTestResult result = mvc.get().uri("/actuator/dbpool").exchange();
				assertThat(result).bodyJson()
					.extractingPath("$.pools.dataSource.serverError")
					.asString()
					.contains("database \"******\" does not exist")
					.doesNotContain("billing");
			}));
	}

	@Test
	void resizeIsNotOfferedUnlessTheEndpointsAccessIsUnrestricted() {
		this.contextRunner.withPropertyValues("db.pool.endpoint.resize-enabled=true").run(withMockMvc((mvc, pool) -> {
			MvcTestResult result = resize(mvc, "dataSource", "{\"size\":1,\"overflow\":0}");
			assertThat(result).hasStatus(HttpStatus.NOT_FOUND);
			assertThat(pool.getMinimumIdle()).isEqualTo(2);
			assertThat(pool.getMaximumPoolSize()).isEqualTo(5);
			assertThat(mvc.get().uri("/actuator/dbpool")).hasStatusOk();
		}));
	}

	@Test
	void withRolesResizeIsTakenOnlyFromAUserInOneOfThem() {
		this.contextRunner
			.withPropertyValues(UNRESTRICTED, "db.pool.endpoint.resize-enabled=true",
					"management.endpoint.dbpool.roles=ops")
			.run(withMockMvc((mvc, pool) -> {
				MvcTestResult anonymous = resize(mvc, "dataSource", "{\"size\":1,\"overflow\":0}");
				assertThat(anonymous).hasStatus(HttpStatus.FORBIDDEN);
				assertThat(anonymous).bodyJson()
					.extractingPath("$.message")
					.asString()
					.contains("management.endpoint.dbpool.roles");
				assertThat(resizeAs(mvc, () -> "developer", "dev", "{\"size\":1,\"overflow\":0}"))
					.hasStatus(HttpStatus.FORBIDDEN);
				assertThat(pool.getMaximumPoolSize()).isEqualTo(5);
				assertThat(resizeAs(mvc, () -> "operator", "ops", "{\"size\":1,\"overflow\":2}")).hasStatusOk();
				assertThat(pool.getMaximumPoolSize()).isEqualTo(3);
			}));
	}

	@Test
	void aNegativeSampleTimeToLiveFailsStartupNamingThePropertyAndTheFix() {
		this.contextRunner.withPropertyValues("management.endpoint.dbpool.sample-ttl=-1s")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessage("management.endpoint.dbpool.sample-ttl=-1s is invalid: must not be negative."));
	}

	@Test
	void endpointIsAbsentUnlessExposed() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=health")
			.run((context) -> assertThat(context).doesNotHaveBean(DbPoolEndpoint.class)
				.doesNotHaveBean(DbPoolEndpointWebExtension.class));
	}

	@Test
	void endpointIsAbsentWhenPoolwiseIsDisabled() {
		this.contextRunner.withPropertyValues("db.pool.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(DbPoolEndpoint.class));
	}

	/**
	 * Reads the endpoint as an authenticated user with one role, the way a servlet container that
	 * authenticated the request (or Spring Security) presents it to the endpoint's security context.
	 */
	private static MvcTestResult readAs(MockMvcTester mvc, Principal user, String role) {
		return mvc.get().uri("/actuator/dbpool").principal(user).with((request) -> {
			request.addUserRole(role);
			return request;
		}).exchange();
	}

	private static MvcTestResult resizeAs(MockMvcTester mvc, Principal user, String role, String body) {
		return mvc.post()
			.uri("/actuator/dbpool/dataSource")
			.contentType(MediaType.APPLICATION_JSON)
			.content(body)
			.principal(user)
			.with((request) -> {
				request.addUserRole(role);
				return request;
			})
			.exchange();
	}

	private static MvcTestResult resize(MockMvcTester mvc, String pool, String body) {
		return mvc.post()
			.uri("/actuator/dbpool/" + pool)
			.contentType(MediaType.APPLICATION_JSON)
			.content(body)
			.exchange();
	}

	private ContextConsumer<WebApplicationContext> withMockMvc(EndpointTest test) {
		return (context) -> test.run(MockMvcTester.from(context), context.getBean(HikariDataSource.class));
	}

	interface EndpointTest {

		void run(MockMvcTester mvc, HikariDataSource pool) throws Exception;

	}

}
