package dev.poolwise.autoconfigure;

import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

import com.zaxxer.hikari.HikariDataSource;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.annotation.AnnotationAwareOrderComparator;
import org.springframework.core.env.Environment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.core.io.support.SpringFactoriesLoader.ArgumentResolver;
import org.springframework.core.io.support.SpringFactoriesLoader.FailureHandler;

import dev.poolwise.autoconfigure.health.PoolHealthContributorAutoConfiguration;
import dev.poolwise.test.Call;
import dev.poolwise.test.FaultProxy;
import dev.poolwise.test.PostgresServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Every bad input fails startup with one report naming the property, the value, the rule and the fix.
 */
@ExtendWith(OutputCaptureExtension.class)
class PoolConfigurationFailureTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, PoolwiseAutoConfiguration.class))
		.withPropertyValues(PostgresServer.datasourceProperties());

	static Stream<Arguments> badInputs() {
		return Stream.of(arguments("db.pool.size=0", "db.pool.size=0 is invalid", "at least one"),
				arguments("db.pool.size=-3", "db.pool.size=-3 is invalid", "at least one"),
				arguments("db.pool.overflow=-1", "db.pool.overflow=-1 is invalid", "cannot be negative"),
				arguments("spring.datasource.hikari.maximum-pool-size=3",
						"spring.datasource.hikari.maximum-pool-size=3 is invalid: the maximum pool size is below size=10 "
								+ "(the default of db.pool.size)",
						"Set it to 10 or more, or remove it and set db.pool.overflow"),
				arguments("db.pool.overflow=300", "db.pool.size + db.pool.overflow=10 + 300", "sizing.limit=200"),
				arguments("db.pool.timeout=100ms", "db.pool.timeout=100ms is invalid", "at least 250ms"),
				arguments("db.pool.timeout=0", "db.pool.timeout=off is invalid", "wait forever"),
				arguments("db.pool.recycle=10s", "db.pool.recycle=10s is invalid", "silently use 30m"),
				arguments("db.pool.keepalive=20s", "db.pool.keepalive=20s is invalid", "at least 30s"),
				arguments("db.pool.keepalive=40m", "db.pool.keepalive=40m is invalid", "less than recycle (30m)"),
				arguments("db.pool.idle-timeout=5s", "db.pool.idle-timeout=5s is invalid", "at least 10s"),
				arguments("db.pool.idle-timeout=30m", "db.pool.idle-timeout=30m is invalid", "below recycle"),
				arguments("db.pool.leak-detection-threshold=1s", "db.pool.leak-detection-threshold=1s is invalid",
						"at least 2s"),
				arguments("db.pool.leak-detection-threshold=2h", "db.pool.leak-detection-threshold=2h is invalid",
						"at most recycle"),
				arguments("db.pool.worker-count=0", "db.pool.worker-count=0 is invalid", "at least 1"),
				arguments("db.pool.instances=0", "db.pool.instances=0 is invalid", "at least 1"),
				arguments("db.pool.connect-timeout=1500ms", "db.pool.connect-timeout=1500ms is invalid",
						"whole seconds"),
				arguments("db.pool.login-timeout=0", "db.pool.login-timeout=off is invalid", "wait forever"),
				arguments("db.pool.tcp-keepalive.count=0", "db.pool.tcp-keepalive.count=0 is invalid", "at least 1"),
				arguments("spring.datasource.hikari.max-lifetime=10000",
						"spring.datasource.hikari.max-lifetime=10s is invalid", "silently use 30m"),
				arguments("db.pool.session.settings.shared-buffers=1GB",
						"db.pool.session.settings.shared-buffers=1GB is invalid", "context 'postmaster'"),
				arguments("db.pool.session.settings.max-wal-size=2GB",
						"db.pool.session.settings.max-wal-size=2GB is invalid: max_wal_size has context 'sighup'",
						"Set max_wal_size in postgresql.conf or with ALTER SYSTEM and reload the server."),
				arguments("db.pool.session.settings.max-connections=500",
						"db.pool.session.settings.max-connections=500 is invalid: max_connections has context "
								+ "'postmaster'",
						"Set max_connections in postgresql.conf or with ALTER SYSTEM and restart the server."),
				arguments("db.pool.session.settings.work-mem=16XB", "db.pool.session.settings.work-mem=16XB",
						"invalid value for parameter \"work_mem\""),
				arguments("db.pool.session.settings.work-mem=lots", "db.pool.session.settings.work-mem=lots",
						"work_mem takes an integer from 64 to 2147483647 kB, or with a unit (B, kB, MB, GB, TB). "
								+ "Write e.g. 4096kB (its current value)."),
				arguments("db.pool.session.settings.idle-session-timeout=soon", "idle-session-timeout=soon",
						"idle_session_timeout takes an integer from 0 to 2147483647 ms, or with a unit (us, ms, s, min, h, d)"),
				arguments("db.pool.session.settings.synchronous-commit=maybe", "synchronous-commit=maybe",
						"synchronous_commit takes one of: local, remote_write, remote_apply, on, off."),
				arguments("db.pool.session.settings.enable-seqscan=perhaps", "enable-seqscan=perhaps",
						"enable_seqscan takes on or off. Write e.g. on (its current value)."),
				arguments("db.pool.session.settings.role=postgres", "role cannot be set by the pool",
						"another role"),
				arguments("db.pool.session.settings.[work mem]=1MB", "not a valid PostgreSQL setting name",
						"dashes for underscores"));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("badInputs")
	void badInputFailsStartupWithOneClearReport(String property, String description, String detail) {
		this.contextRunner.withPropertyValues(property).run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new PoolConfigurationFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis).isNotNull();
			assertThat(analysis.getDescription() + analysis.getAction()).contains(description).contains(detail);
			assertThat(analysis.getAction()).contains(property.substring(0, property.indexOf('=')));
			assertThat(analysis.getDescription() + analysis.getAction()).doesNotContain(PostgresServer.PASSWORD);
		});
	}

	@Test
	void aSettingNameWithoutItsUnderscoreSuggestsTheSettingAndTheDashedKey() {
		this.contextRunner.withPropertyValues("db.pool.session.settings.workmem=16MB").run((context) -> {
			FailureAnalysis analysis = new PoolConfigurationFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains(
					"db.pool.session.settings.workmem=16MB is invalid: the server has no setting named workmem");
			assertThat(analysis.getAction()).contains(
					"Did you mean work_mem? Write db.pool.session.settings.work-mem (or with underscores, work_mem).");
		});
	}

	static Stream<Arguments> environmentVariablesThatCannotNameTheirSetting() {
		return Stream.of(
				arguments("DB_POOL_SESSION_SETTINGS_WORK_MEM", "16MB", "db.pool.session.settings.[work.mem]=16MB "
						+ "is invalid: an environment variable such as DB_POOL_SESSION_SETTINGS_WORK_MEM binds every "
						+ "underscore as a dot, so it cannot name the server setting work_mem, and PostgreSQL would "
						+ "take work.mem as a custom setting and never set work_mem.",
						"db.pool.session.settings.[work.mem]: Write db.pool.session.settings.work-mem in "
								+ "application.yml or application.properties, or pass it as SPRING_APPLICATION_JSON="
								+ "'{\"db\":{\"pool\":{\"session\":{\"settings\":{\"work-mem\":\"16MB\"}}}}}'."),
				arguments("DB_POOL_SESSION_SETTINGS_STATEMENT_TIMEOUT", "5s",
						"db.pool.session.settings.[statement.timeout]=5s is invalid: an environment variable",
						"Set db.pool.session.statement-timeout instead, as an environment variable "
								+ "DB_POOL_SESSION_STATEMENT_TIMEOUT."),
				arguments("DB_POOL_SESSION_SETTINGS_RANDOM_PAGE_COST", "1.1",
						"db.pool.session.settings.[random.page.cost]=1.1 is invalid: 'random.page.cost' has more "
								+ "than one dot",
						"Write db.pool.session.settings.random-page-cost in application.yml"));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("environmentVariablesThatCannotNameTheirSetting")
	void anEnvironmentVariableThatCannotNameItsSettingFailsStartupWithWhatToWriteInstead(String variable,
			String value, String description, String action) {
		this.contextRunner.withInitializer((context) -> context.getEnvironment()
			.getPropertySources()
			.addFirst(new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
					Map.of(variable, value))))
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new PoolConfigurationFailureAnalyzer()
					.analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains(description);
				assertThat(analysis.getAction()).contains(action);
			});
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "db.pool.keepalive=3m", "spring.datasource.hikari.keepalive-time=180000" })
	void anExplicitKeepaliveWithPrePingOffIsAContradiction(String keepalive) {
		String key = keepalive.substring(0, keepalive.indexOf('='));
		this.contextRunner.withPropertyValues("db.pool.pre-ping=false", keepalive).run((context) -> {
			FailureAnalysis analysis = new PoolConfigurationFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis.getDescription())
				.contains(key + "=3m is invalid: it contradicts db.pool.pre-ping=false, which turns keepalive off");
			assertThat(analysis.getAction())
				.contains(key + ": Remove " + key + ", or set db.pool.pre-ping=true to keep idle connections alive.");
		});
	}

	@Test
	void everyProblemIsReportedAtOnce() {
		this.contextRunner.withPropertyValues("db.pool.size=0", "db.pool.recycle=5s", "db.pool.timeout=10ms")
			.run((context) -> {
				FailureAnalysis analysis = new PoolConfigurationFailureAnalyzer().analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("db.pool.size=0", "db.pool.recycle=5s",
						"db.pool.timeout=10ms");
			});
	}

	@Test
	void aRefusedDurationWithoutAUnitSaysTheUnitWasMissing() {
		this.contextRunner.withPropertyValues("db.pool.timeout=5").run((context) -> {
			FailureAnalysis analysis = new PoolConfigurationFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("db.pool.timeout=5 (no unit, read as 5ms) is invalid");
			assertThat(analysis.getAction())
				.contains("db.pool.timeout: 5 has no unit and was read as 5ms; write 5s if seconds were meant.");
		});
	}

	@Test
	void anAcceptedDurationWithoutAUnitIsLoggedOnceWithHowItWasRead(CapturedOutput output) {
		this.contextRunner.withPropertyValues("db.pool.timeout=300", "db.pool.session.statement-timeout=60000ms")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(output).contains("db.pool.timeout=300 has no unit and was read as 300ms; write 300ms to "
						+ "keep it, or 300s if seconds were meant")
					.doesNotContain("db.pool.session.statement-timeout=60000ms has no unit");
			});
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "db.pool.size", "db.pool.session.statement-timeout", "db.pool.application-name",
			"db.pool.session.settings.search-path" })
	void aPlaceholderNothingDefinesIsNamedAsTheUnresolvedPlaceholderItIs(String key) {
		this.contextRunner.withPropertyValues(key + "=${POOLWISE_TEST_UNSET_VALUE}").run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = analyzeAsSpringBootDoes(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains(key + "=${POOLWISE_TEST_UNSET_VALUE} is invalid: it holds "
					+ "the unresolved placeholder ${POOLWISE_TEST_UNSET_VALUE}: nothing (no environment variable, no "
					+ "property) defined it.")
				.doesNotContain("NumberFormatException");
			assertThat(analysis.getAction()).contains(key + ": Define POOLWISE_TEST_UNSET_VALUE (an environment "
					+ "variable or a property), give the placeholder a default (${POOLWISE_TEST_UNSET_VALUE:<value>}), "
					+ "or remove " + key + ".");
		});
	}

	/**
	 * The first analysis of the failure analyzers registered in spring.factories, in their order, as Spring Boot
	 * reports a failed startup.
	 */
	private static FailureAnalysis analyzeAsSpringBootDoes(Throwable failure) {
		List<FailureAnalyzer> analyzers = SpringFactoriesLoader
			.forDefaultResourceLocation(PoolConfigurationFailureTests.class.getClassLoader())
			.load(FailureAnalyzer.class, ArgumentResolver.of(Environment.class, new StandardEnvironment()),
					FailureHandler.handleMessage((message, ex) -> {
					}));
		AnnotationAwareOrderComparator.sort(analyzers);
		return analyzers.stream()
			.map((analyzer) -> analyzer.analyze(failure))
			.filter(Objects::nonNull)
			.findFirst()
			.orElseThrow();
	}

	@Test
	void aPlaceholderThatResolvedToABadNumberIsLeftToSpringBootsBindReport() {
		this.contextRunner.withPropertyValues("db.pool.size=${poolwise.test.size}", "poolwise.test.size=many")
			.run((context) -> {
				assertThat(context).hasFailed();
				StandardEnvironment environment = new StandardEnvironment();
				environment.getPropertySources()
					.addFirst(new MapPropertySource("test", Map.of("poolwise.test.size", "many")));
				assertThat(new UnresolvedPlaceholderFailureAnalyzer(environment).analyze(context.getStartupFailure()))
					.isNull();
			});
	}

	@Test
	void anUnknownKeyFailsStartupNamingItAndTheNearestKnownKey() {
		this.contextRunner.withPropertyValues("db.pool.sise=5").run((context) -> {
			FailureAnalysis analysis = new UnknownPoolKeyFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("Poolwise has no such key:").contains("db.pool.sise=5");
			assertThat(analysis.getAction()).contains("db.pool.sise: did you mean db.pool.size?");
		});
	}

	@Test
	void nestedPerPoolAndRelaxedKeysGetTheirNearestKnownKeyToo() {
		this.contextRunner
			.withPropertyValues("db.pool.session.statment-timeout=5s", "db.pool.idleTimout=1m",
					"db.pool.statement-timeout=5s", "db.pool.datasources.dataSource.overflw=2", "db.pool.zzz=1")
			.run((context) -> assertThat(new UnknownPoolKeyFailureAnalyzer().analyze(context.getStartupFailure())
				.getAction())
				.contains("db.pool.session.statment-timeout: did you mean db.pool.session.statement-timeout?")
				.contains("db.pool.idleTimout: did you mean db.pool.idle-timeout?")
				.contains("db.pool.statement-timeout: did you mean db.pool.session.statement-timeout or "
						+ "db.pool.migration.statement-timeout or ")
				.contains("db.pool.datasources.dataSource.overflw: did you mean db.pool.datasources.dataSource.overflow?")
				.contains("db.pool.zzz: no db.pool key is near it"));
	}

	@Test
	void replicaAndPerReplicaKeysGetTheirNearestKnownKey() {
		this.contextRunner
			.withPropertyValues("db.pool.replicas.max-lagg=1s", "db.pool.replicas.hosts[replica-a].overflw=2",
					"db.pool.replicas.hosts[replica-a].max-lag=1s")
			.run((context) -> assertThat(new UnknownPoolKeyFailureAnalyzer().analyze(context.getStartupFailure())
				.getAction())
				.contains("db.pool.replicas.max-lagg: did you mean db.pool.replicas.max-lag?")
				.contains("db.pool.replicas.hosts[replica-a].overflw: did you mean "
						+ "db.pool.replicas.hosts[replica-a].overflow?")
				.contains("db.pool.replicas.hosts[replica-a].max-lag: did you mean db.pool.replicas.max-lag?"));
	}

	@Test
	void dbPoolOnANonPostgreSqlUrlIsRefused() {
		this.contextRunner.withPropertyValues("spring.datasource.url=jdbc:h2:tcp://localhost:1/other", "db.pool.size=5")
			.run((context) -> {
				FailureAnalysis analysis = new PoolConfigurationFailureAnalyzer().analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("spring.datasource.url=jdbc:h2:tcp://localhost:1/other")
					.contains("only tunes PostgreSQL");
			});
	}

	@Test
	void aUrlThatSetsAPropertyDbPoolAlsoSetsIsAConflict() {
		this.contextRunner
			.withPropertyValues("spring.datasource.url=" + PostgresServer.jdbcUrl() + "&connectTimeout=3",
					"db.pool.connect-timeout=5s")
			.run((context) -> {
				FailureAnalysis analysis = new PoolConfigurationFailureAnalyzer().analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("it sets connectTimeout")
					.contains("db.pool.connect-timeout");
			});
	}

	@Test
	void anUnreachableServerFailsStartupWithinTheConnectTimeoutNamingHostAndPortButNoPassword() {
		Call startup = Call.of(() -> this.contextRunner
			.withPropertyValues("spring.datasource.url=jdbc:postgresql://127.0.0.1:1/app?password="
					+ PostgresServer.PASSWORD, "db.pool.connect-timeout=2s")
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new DatabaseUnavailableFailureAnalyzer()
					.analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("127.0.0.1:1")
					.contains("password=******")
					.doesNotContain(PostgresServer.PASSWORD);
				assertThat(analysis.getDescription()).endsWith("(connection refused)");
				assertThat(analysis.getAction()).startsWith("Nothing accepts connections at localhost:1")
					.contains("spring.datasource.url")
					.contains("db.pool.lazy-start=true")
					.doesNotContain("db.pool.enabled");
			}));
		assertThat(startup.elapsed()).isLessThanOrEqualTo(Duration.ofSeconds(3));
	}

	@Test
	void anUnknownDatabaseIsToldToBeCreatedWithoutOfferingLazyStart() {
		this.contextRunner
			.withPropertyValues("spring.datasource.url=" + PostgresServer.jdbcUrl()
				.replaceFirst("/[^/?]+(\\?|$)", "/no_such_db$1"))
			.run((context) -> {
				FailureAnalysis analysis = new DatabaseUnavailableFailureAnalyzer()
					.analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).endsWith("(the database does not exist)");
				assertThat(analysis.getAction()).startsWith("Create the database (CREATE DATABASE no_such_db OWNER ")
					.doesNotContain("lazy-start");
			});
	}

	@Test
	void anUnknownRoleWithAnUnresolvedPasswordPlaceholderSaysBothAndNeverShowsAPassword() {
		this.contextRunner
			.withPropertyValues("spring.datasource.url=" + PostgresServer.jdbcUrl().replaceFirst("\\?user=[^&]*$", ""),
					"spring.datasource.username=no_such_role",
					"spring.datasource.password=${POOLWISE_TEST_UNSET_PASSWORD}")
			.run((context) -> {
				FailureAnalysis analysis = new DatabaseUnavailableFailureAnalyzer()
					.analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).endsWith("(the server refused the role)");
				assertThat(analysis.getAction())
					.startsWith("spring.datasource.password is the unresolved placeholder "
							+ "${POOLWISE_TEST_UNSET_PASSWORD}: nothing (no environment variable, no property) "
							+ "defined it. Create the role (CREATE ROLE no_such_role LOGIN PASSWORD '...')")
					.contains("pg_hba.conf");
			});
	}

	@Test
	void withLazyStartAnUnreachableServerDoesNotStopStartupHealthIsDownAndThePoolConnectsOnceItIsUp() {
		try (FaultProxy proxy = FaultProxy.inFrontOf(PostgresServer.jdbcUrl())) {
			proxy.refuse();
			this.contextRunner.withConfiguration(AutoConfigurations.of(PoolHealthContributorAutoConfiguration.class))
				.withPropertyValues("spring.datasource.url=" + proxy.jdbcUrl(), "db.pool.lazy-start=true",
						"db.pool.connect-timeout=1s", "db.pool.timeout=1s")
				.run((context) -> {
					assertThat(context).hasNotFailed();
					HikariDataSource pool = context.getBean(HikariDataSource.class);
					assertThat(pool.getInitializationFailTimeout()).isEqualTo(-1);
					assertThatExceptionOfType(SQLTransientConnectionException.class).isThrownBy(pool::getConnection);
					HealthIndicator health = context.getBean("dbPoolHealthContributor", HealthIndicator.class);
					assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
					proxy.passThrough();
					await().atMost(Duration.ofSeconds(10)).until(() -> Call.execute(pool, "SELECT 1").succeeded());
					await().atMost(Duration.ofSeconds(10)).until(() -> health.health().getStatus().equals(Status.UP));
				});
		}
	}

}
