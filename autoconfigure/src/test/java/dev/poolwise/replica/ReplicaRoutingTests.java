package dev.poolwise.replica;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import javax.sql.DataSource;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.actuate.endpoint.Sanitizer;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.health.actuate.endpoint.SimpleStatusAggregator;
import org.springframework.boot.health.actuate.endpoint.StatusAggregator;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionCallback;
import org.springframework.transaction.support.TransactionTemplate;

import dev.poolwise.autoconfigure.PoolwiseAutoConfiguration;
import dev.poolwise.autoconfigure.health.PoolHealthContributorAutoConfiguration;
import dev.poolwise.autoconfigure.metrics.PoolMetricsAutoConfiguration;
import dev.poolwise.endpoint.DbPoolEndpoint;
import dev.poolwise.metrics.ReplicaMeterBinder;
import dev.poolwise.pool.PoolUnwrapper;
import dev.poolwise.test.ReplicatedServers;
import dev.poolwise.tuned.TunedPool;
import dev.poolwise.tuned.TunedPools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Routing against a real primary and two asynchronous streaming standbys: read-only transactions of
 * JdbcTemplate and TransactionTemplate run on the replicas, everything else on the primary; a thread's
 * read-only transaction after its own write sees it; a replica behind max-lag leaves the rotation and rejoins
 * when it catches up, with its lag in the meter, health and endpoint.
 */
class ReplicaRoutingTests {

	private static final ReplicatedServers servers = ReplicatedServers.shared();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, PoolwiseAutoConfiguration.class,
				DataSourceTransactionManagerAutoConfiguration.class, JdbcTemplateAutoConfiguration.class,
				TransactionAutoConfiguration.class, PoolMetricsAutoConfiguration.class,
				PoolHealthContributorAutoConfiguration.class))
		.withBean(SimpleMeterRegistry.class)
		.withPropertyValues("spring.datasource.url=" + servers.primaryUrl(""), "spring.datasource.username=postgres",
				"db.pool.size=2", "db.pool.overflow=2", "db.pool.replicas.url=" + servers.standbysUrl(0, 1),
				"db.pool.replicas.size=1", "db.pool.replicas.timeout=1s", "db.pool.replicas.max-lag=10s");

	@BeforeAll
	static void createTable() throws SQLException {
		try (Connection connection = servers.connectPrimary(); Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE IF NOT EXISTS routed (id serial PRIMARY KEY, name text)");
		}
	}

	@Test
	void readOnlyTransactionsRunOnTheReplicasInTurnAndEverythingElseOnThePrimary() {
		this.contextRunner.run((context) -> {
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			TransactionTemplate transactions = new TransactionTemplate(transactionManager(context));
			TransactionTemplate readOnly = readOnly(context);
			Set<Integer> readers = new HashSet<>();
			for (int i = 0; i < 4; i++) {
				readers.add(run(readOnly, (status) -> port(jdbc)));
			}
			assertThat(readers).containsExactlyInAnyOrder(servers.standbyPort(0), servers.standbyPort(1));
			for (int i = 0; i < 4; i++) {
				assertThat(run(transactions, (status) -> {
					jdbc.update("INSERT INTO routed (name) VALUES ('write')");
					return port(jdbc);
				})).isEqualTo(servers.primaryPort());
			}
			assertThat(port(jdbc)).as("outside a transaction").isEqualTo(servers.primaryPort());
			Routing routing = routing(context);
			assertThat(routing.misroutedBy(Routing.HELD_PRIMARY) + routing.misroutedBy(Routing.HELD_REPLICA)).isZero();
		});
	}

	@Test
	void theDataSourceBeanStillLeadsToTheTunedPrimaryPoolAndTheReplicaPoolsAreTunedToo() {
		this.contextRunner.run((context) -> {
			TunedPools pools = context.getBean(TunedPools.class);
			assertThat(context.getBean(DataSource.class)).isInstanceOf(RoutingDataSource.class);
			assertThat(PoolUnwrapper.find(context.getBean(DataSource.class)))
				.isSameAs(pools.get("dataSource").dataSource());
			assertThat(pools.all()).extracting(TunedPool::beanName)
				.containsExactlyInAnyOrder("dataSource", "dataSource-replica-127.0.0.1-" + servers.standbyPort(0),
						"dataSource-replica-127.0.0.1-" + servers.standbyPort(1));
			assertThat(pools.all()).extracting((pool) -> pool.dataSource().getMinimumIdle())
				.containsExactlyInAnyOrder(2, 1, 1);
		});
	}

	@Test
	void aReadOnlyTransactionAfterTheThreadsOwnWriteSeesItWhileOtherThreadsReadTheDelayedReplicas() {
		this.contextRunner.run((context) -> {
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			TransactionTemplate readOnly = readOnly(context);
			servers.delayStandby(0, Duration.ofSeconds(3));
			servers.delayStandby(1, Duration.ofSeconds(3));
			try {
				String name = "own-" + System.nanoTime();
				new TransactionTemplate(transactionManager(context))
					.executeWithoutResult((status) -> jdbc.update("INSERT INTO routed (name) VALUES (?)", name));
				assertThat(run(readOnly, (status) -> count(jdbc, name))).isEqualTo(1);
				assertThat(routing(context).servedByPrimary(Routing.OWN_WRITE)).isEqualTo(1);
				assertThat(CompletableFuture.supplyAsync(() -> run(readOnly, (status) -> count(jdbc, name))).join())
					.as("another thread, on a replica that has not replayed the write").isZero();
				this.contextRunner.withPropertyValues("db.pool.replicas.read-your-writes=false").run((unchecked) -> {
					JdbcTemplate other = unchecked.getBean(JdbcTemplate.class);
					await("a replica that replayed this context's start").atMost(Duration.ofSeconds(20))
						.until(() -> replica(unchecked, 0).inRotation() || replica(unchecked, 1).inRotation());
					String stale = "unchecked-" + System.nanoTime();
					new TransactionTemplate(transactionManager(unchecked))
						.executeWithoutResult((status) -> other.update("INSERT INTO routed (name) VALUES (?)", stale));
					assertThat(run(readOnly(unchecked), (status) -> count(other, stale)))
						.as("read-your-writes off: the same thread reads a replica that has not replayed it")
						.isZero();
				});
				await().atMost(Duration.ofSeconds(20))
					.until(() -> run(readOnly, (status) -> port(jdbc)) != servers.primaryPort());
				assertThat(run(readOnly, (status) -> count(jdbc, name))).isEqualTo(1);
			}
			finally {
				servers.delayStandby(0, Duration.ZERO);
				servers.delayStandby(1, Duration.ZERO);
			}
		});
	}

	@Test
	void aReplicaBehindMaxLagTakesNoReadsUntilItCatchesUpAndSaysSoInMetersAndHealth() {
		this.contextRunner.withPropertyValues("db.pool.replicas.max-lag=1s").run((context) -> {
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			TransactionTemplate readOnly = readOnly(context);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			context.getBean(ReplicaMeterBinder.class).bindTo(registry);
			Replica delayed = replica(context, 1);
			servers.delayStandby(1, Duration.ofSeconds(4));
			try {
				writeElsewhere();
				await().atMost(Duration.ofSeconds(10)).until(() -> delayed.state() == Replica.State.LAGGING);
				assertThat(registry.get("db.pool.replica.lag").tag("replica", delayed.name()).gauge().value())
					.isGreaterThan(1.0);
				HealthIndicator health = (HealthIndicator) context
					.getBean("dbPoolReplicasHealthContributor", CompositeHealthContributor.class)
					.getContributor(delayed.name());
				assertThat(health.health().getStatus()).isEqualTo(new Status("OUT_OF_ROTATION"));
				assertThat(health.health().getDetails()).containsEntry("state", "lagging");
				assertThat(StatusAggregator.getDefault().getAggregateStatus(Status.UP, health.health().getStatus()))
					.as("overall, with the primary UP").isEqualTo(Status.UP);
				assertThat(new SimpleStatusAggregator("down", "out-of-service", "out-of-rotation", "up", "unknown")
					.getAggregateStatus(Status.UP, health.health().getStatus()))
					.as("a readiness group with the docs' status order").isEqualTo(new Status("OUT_OF_ROTATION"));
				assertThat(new DbPoolEndpoint(context.getBean(TunedPools.class), null, Show.NEVER, new Sanitizer(),
						context.getBean(ReplicaSets.class), null, new DbPoolEndpoint.Sampling(Duration.ZERO, false))
					.pools()
					.replicas()
					.get(delayed.name())
					.state()).isEqualTo("lagging");
				for (int i = 0; i < 4; i++) {
					assertThat(run(readOnly, (status) -> port(jdbc))).isNotEqualTo(servers.standbyPort(1));
				}
				String served = replica(context, 0).pool().getPoolName();
				assertThat(registry.get("hikaricp.connections.acquire").tag("pool", served).timer().count())
					.as("Hikari's own meters of the replica pool, which autosizing reads")
					.isPositive();
			}
			finally {
				servers.delayStandby(1, Duration.ZERO);
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> delayed.state() == Replica.State.AVAILABLE);
			assertThat(registry.get("db.pool.replica.lag").tag("replica", delayed.name()).gauge().value())
				.isLessThanOrEqualTo(1.0);
		});
	}

	private static void writeElsewhere() throws SQLException {
		try (Connection connection = servers.connectPrimary(); Statement statement = connection.createStatement()) {
			statement.execute("INSERT INTO routed (name) VALUES ('elsewhere')");
		}
	}

	static Replica replica(AssertableApplicationContext context, int index) {
		return context.getBean(ReplicaSets.class).all().iterator().next().replicas().get(index);
	}

	static Routing routing(AssertableApplicationContext context) {
		return context.getBean(ReplicaSets.class).all().iterator().next().routing();
	}

	static org.springframework.transaction.PlatformTransactionManager transactionManager(
			AssertableApplicationContext context) {
		return context.getBean(org.springframework.transaction.PlatformTransactionManager.class);
	}

	static TransactionTemplate readOnly(AssertableApplicationContext context) {
		TransactionTemplate template = new TransactionTemplate(transactionManager(context));
		template.setReadOnly(true);
		return template;
	}

	static int run(TransactionTemplate template, TransactionCallback<Integer> callback) {
		Integer result = template.execute(callback);
		return (result != null) ? result : -1;
	}

	static Integer port(JdbcTemplate jdbc) {
		return jdbc.queryForObject("SELECT inet_server_port()", Integer.class);
	}

	private static Integer count(JdbcTemplate jdbc, String name) {
		return jdbc.queryForObject("SELECT count(*) FROM routed WHERE name = ?", Integer.class, name);
	}

}
