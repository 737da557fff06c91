package dev.poolwise.autoconfigure;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.poolwise.test.PostgresServer;
import dev.poolwise.test.ReplicatedServers;
import dev.poolwise.tuned.TunedPools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * {@code db.pool.replicas} at startup, against a real primary and its standbys: every bad input fails with
 * one report naming the key, the value, the rule and the fix; an unreachable replica is one warning unless
 * replicas are required; replica pools take every pool key, overridden per replica.
 */
@ExtendWith(OutputCaptureExtension.class)
class ReplicaConfigurationTests {

	private static final ReplicatedServers servers = ReplicatedServers.shared();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, PoolwiseAutoConfiguration.class,
				DataSourceTransactionManagerAutoConfiguration.class, JdbcTemplateAutoConfiguration.class,
				TransactionAutoConfiguration.class))
		.withPropertyValues("spring.datasource.url=" + servers.primaryUrl(""), "spring.datasource.username=postgres",
				"spring.datasource.password=" + PostgresServer.PASSWORD, "db.pool.size=2",
				"db.pool.replicas.size=1");

	static Stream<Arguments> badInputs() {
		String standby = "db.pool.replicas.url=" + servers.standbysUrl(0);
		return Stream.of(
				arguments("db.pool.replicas.max-lag=5s", "db.pool.replicas.url=(not set) is invalid",
						"Set db.pool.replicas.url"),
				arguments("db.pool.replicas.url=jdbc:mysql://127.0.0.1:3306/app",
						"db.pool.replicas.url=jdbc:mysql://127.0.0.1:3306/app is invalid", "streaming standbys"),
				arguments(standby + ";db.pool.replicas.max-lag=0", "db.pool.replicas.max-lag=off is invalid",
						"between 100ms and 1h"),
				arguments(standby + ";db.pool.replicas.max-lag=2h", "db.pool.replicas.max-lag=2h is invalid",
						"at most 1h"),
				arguments(standby + ";db.pool.replicas.check-interval=50ms",
						"db.pool.replicas.check-interval=50ms is invalid", "within one check interval"),
				arguments(standby + ";db.pool.replicas.size=150;db.pool.replicas.budget.enforce=true",
						"db.pool.replicas.size", "max_connections"),
				arguments(standby + ";db.pool.replicas.hosts[replica-z].size=3",
						"db.pool.replicas.hosts[replica-z]=replica-z is invalid", "names: 127.0.0.1"),
				arguments(standby + ";db.pool.replicas.health.timeout=5s",
						"db.pool.replicas.health.timeout=5s is invalid: replica pools have no dbPool health indicator",
						"db.pool.health.* configures the primary's dbPool indicator"),
				arguments(standby + ";db.pool.replicas.hosts[127.0.0.1].health.required-extensions=vector",
						"db.pool.replicas.hosts[127.0.0.1].health.required-extensions=vector is invalid: replica "
								+ "pools have no dbPool health indicator",
						"Remove it"),
				arguments(standby + ";db.pool.replicas.ssl.expiry-warning=30d",
						"db.pool.replicas.ssl.expiry-warning=30d is invalid: certificate expiry is reported by the "
								+ "dbPool health indicator",
						"db.pool.ssl.expiry-warning sets the warning for the primary's certificates"),
				arguments(standby + ";db.pool.replicas.lazy-start=true",
						"db.pool.replicas.lazy-start=true is invalid: a replica pool always starts without waiting",
						"set db.pool.replicas.required=true to fail startup on an unreachable replica"),
				arguments(standby + ";db.pool.replicas.hosts[127.0.0.1].enabled=false",
						"db.pool.replicas.hosts[127.0.0.1].enabled=false is invalid: every replica that "
								+ "db.pool.replicas.url names gets a pool",
						"leave the replica out of db.pool.replicas.url"),
				arguments("db.pool.replicas.url=${POOLWISE_TEST_UNSET_REPLICAS}",
						"db.pool.replicas.url=${POOLWISE_TEST_UNSET_REPLICAS} is invalid: it holds the unresolved "
								+ "placeholder ${POOLWISE_TEST_UNSET_REPLICAS}: nothing (no environment variable, no "
								+ "property) defined it",
						"Define POOLWISE_TEST_UNSET_REPLICAS"),
				arguments("db.pool.replicas.url=" + servers.primaryUrl(""),
						"is a primary (pg_is_in_recovery() is false)",
						"not at a server that takes writes"),
				arguments("db.pool.replicas.url=" + PostgresServer.jdbcUrl(), "belongs to another cluster",
						"standby of spring.datasource.url's primary"),
				arguments("db.pool.replicas.url=" + servers.standbysUrl(0) + "," + servers.standbysUrl(1),
						"cannot be split into replicas: it holds more than one URL",
						"jdbc:postgresql://replica-a:5432,replica-b:5432/app"),
				arguments("db.pool.replicas.url=jdbc:postgresql://127.0.0.1:notaport/app",
						"pgjdbc does not accept the URL it gives for 127.0.0.1:notaport", "Write it as pgjdbc does"),
				arguments("db.pool.replicas.url=" + servers.standbysUrl(0).replace("/postgres", "/nosuchdb"),
						"has no such database", "Name the primary's database"));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("badInputs")
	void badReplicaInputFailsStartupWithOneClearReport(String properties, String description, String detail) {
		this.contextRunner.withPropertyValues(properties.split(";")).run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = analyze(context.getStartupFailure());
			assertThat(analysis).isNotNull();
			assertThat(analysis.getDescription()).contains(description);
			assertThat(analysis.getDescription() + analysis.getAction()).contains(detail);
			assertThat(analysis.getAction()).contains("db.pool.replicas.");
			assertThat(analysis.getDescription() + analysis.getAction()).doesNotContain(PostgresServer.PASSWORD);
		});
	}

	@Test
	void anUnreachableReplicaIsOneWarningAndReadsGoToThePrimary(CapturedOutput output) throws IOException {
		this.contextRunner.withPropertyValues("db.pool.replicas.url=jdbc:postgresql://127.0.0.1:" + freePort()
				+ "/postgres", "db.pool.replicas.connect-timeout=1s", "db.pool.replicas.login-timeout=1s")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				TransactionTemplate readOnly = new TransactionTemplate(
						context.getBean(PlatformTransactionManager.class));
				readOnly.setReadOnly(true);
				Integer port = readOnly.execute((status) -> context.getBean(JdbcTemplate.class)
					.queryForObject("SELECT inet_server_port()", Integer.class));
				assertThat(port).isEqualTo(servers.primaryPort());
				assertThat(output.toString().split("takes no reads until it answers", -1)).hasSize(2);
			});
	}

	@Test
	void anUnreachableReplicaFailsStartupWhenReplicasAreRequired() throws IOException {
		this.contextRunner
			.withPropertyValues("db.pool.replicas.url=jdbc:postgresql://127.0.0.1:" + freePort() + "/postgres",
					"db.pool.replicas.connect-timeout=1s", "db.pool.replicas.required=true")
			.run((context) -> {
				FailureAnalysis analysis = analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("db.pool.replicas.required=true is invalid")
					.contains("is unreachable");
				assertThat(analysis.getAction()).contains("db.pool.replicas.required=false");
			});
	}

	@Test
	void everyIgnoredReplicaKeyIsReportedInOneReportWithTheOtherProblems() {
		this.contextRunner
			.withPropertyValues("db.pool.replicas.url=" + servers.standbysUrl(0), "db.pool.replicas.max-lag=2h",
					"db.pool.replicas.health.timeout=5s", "db.pool.replicas.health.warn-utilization=0.5",
					"db.pool.replicas.enabled=true", "db.pool.replicas.ssl.rotation-window=2m")
			.run((context) -> {
				FailureAnalysis analysis = analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("db.pool.replicas.max-lag=2h is invalid")
					.contains("db.pool.replicas.health.timeout=5s is invalid")
					.contains("db.pool.replicas.health.warn-utilization=0.5 is invalid")
					.doesNotContain("db.pool.replicas.enabled=")
					.doesNotContain("rotation-window");
			});
	}

	@Test
	void replicaPoolsTakeThePoolKeysWithReplicaAndPerReplicaOverrides() {
		this.contextRunner
			.withPropertyValues("db.pool.replicas.url=" + servers.standbysUrl(0), "db.pool.overflow=9",
					"db.pool.replicas.size=3", "db.pool.replicas.hosts[127.0.0.1].overflow=1")
			.run((context) -> {
				TunedPools pools = context.getBean(TunedPools.class);
				assertThat(pools.get("dataSource").dataSource().getMaximumPoolSize()).isEqualTo(11);
				assertThat(pools.get("dataSource-replica-127.0.0.1").dataSource().getMinimumIdle()).isEqualTo(3);
				assertThat(pools.get("dataSource-replica-127.0.0.1").dataSource().getMaximumPoolSize()).isEqualTo(4);
			});
	}

	private static FailureAnalysis analyze(Throwable failure) {
		return new PoolConfigurationFailureAnalyzer().analyze(failure);
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
