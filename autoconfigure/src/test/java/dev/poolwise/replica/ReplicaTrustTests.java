package dev.poolwise.replica;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import com.github.gavlyukovskiy.boot.jdbc.decorator.DataSourceDecoratorAutoConfiguration;
import com.github.gavlyukovskiy.boot.jdbc.decorator.DecoratedDataSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.transaction.Status;
import jakarta.transaction.UserTransaction;
import net.ttddyy.dsproxy.QueryCountHolder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.actuate.endpoint.Sanitizer;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.LazyInitializationBeanFactoryPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.Ordered;
import org.springframework.core.PriorityOrdered;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabaseBuilder;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabaseType;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.event.TransactionalEventListener;
import org.springframework.transaction.jta.JtaTransactionManager;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.poolwise.autoconfigure.PoolwiseAutoConfiguration;
import dev.poolwise.endpoint.DbPoolEndpoint;
import dev.poolwise.endpoint.IndexUsage;
import dev.poolwise.test.ReplicatedServers;
import dev.poolwise.tuned.TunedPools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Read replicas on the paths real applications walk, against a real primary and two asynchronous standbys:
 * reads in after-commit callbacks see the write they follow, a rollback marks nothing, a replica proves it
 * is within the lag bound before it takes reads (at startup, and when the primary cannot be read), read-only
 * SERIALIZABLE runs on the primary, a busy replica is not a dead one, and the application's own wrappers and
 * per-bean keys are kept.
 */
class ReplicaTrustTests {

	private static final ReplicatedServers servers = ReplicatedServers.shared();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, PoolwiseAutoConfiguration.class,
				DataSourceTransactionManagerAutoConfiguration.class, JdbcTemplateAutoConfiguration.class,
				TransactionAutoConfiguration.class))
		.withBean(SimpleMeterRegistry.class)
		.withPropertyValues("spring.datasource.url=" + servers.primaryUrl(""), "spring.datasource.username=postgres",
				"db.pool.size=2", "db.pool.overflow=2", "db.pool.replicas.url=" + servers.standbysUrl(0, 1),
				"db.pool.replicas.size=1", "db.pool.replicas.max-lag=10s", "db.pool.replicas.check-interval=200ms");

	@BeforeAll
	static void createTable() throws SQLException {
		try (Connection connection = servers.connectPrimary(); Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE IF NOT EXISTS trusted (id serial PRIMARY KEY, name text)");
		}
	}

	@Test
	void readsInAfterCommitCallbacksSeeTheWriteTheyFollow() {
		this.contextRunner.run((context) -> {
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			TransactionTemplate requiresNew = ReplicaRoutingTests.readOnly(context);
			requiresNew.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
			TransactionTemplate notSupported = new TransactionTemplate(ReplicaRoutingTests.transactionManager(context));
			notSupported.setPropagationBehavior(TransactionDefinition.PROPAGATION_NOT_SUPPORTED);
			TransactionTemplate finder = ReplicaRoutingTests.readOnly(context);
			delayStandbys(Duration.ofSeconds(3));
			try {
				List<Integer> seen = new ArrayList<>();
				for (int i = 0; i < 3; i++) {
					String name = "after-commit-" + System.nanoTime();
					new TransactionTemplate(ReplicaRoutingTests.transactionManager(context)).executeWithoutResult((s) -> {
						jdbc.update("INSERT INTO trusted (name) VALUES (?)", name);
						TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
							@Override
							public void afterCommit() {
								seen.add(requiresNew.execute((r) -> count(jdbc, name)));
								seen.add(notSupported.execute((n) -> finder.execute((f) -> count(jdbc, name))));
							}
						});
					});
				}
				assertThat(seen).as("REQUIRES_NEW and NOT_SUPPORTED reads after each commit").containsOnly(1)
					.hasSize(6);
			}
			finally {
				delayStandbys(Duration.ZERO);
			}
		});
	}

	@Test
	void aTransactionalEventListenerThatLoadsTheOrderAfterCommitFindsIt() {
		this.contextRunner.withUserConfiguration(OrderConfiguration.class).run((context) -> {
			Orders orders = context.getBean(Orders.class);
			OrderMailer mailer = context.getBean(OrderMailer.class);
			delayStandbys(Duration.ofSeconds(3));
			try {
				for (int i = 0; i < 3; i++) {
					orders.place("order-" + System.nanoTime());
				}
				assertThat(mailer.found()).as("orders the listener found after their commit").containsExactly(1, 1, 1);
			}
			finally {
				delayStandbys(Duration.ZERO);
			}
		});
	}

	@Test
	void aRolledBackTransactionLeavesTheThreadsNextReadOnTheReplicas() {
		this.contextRunner.run((context) -> {
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			delayStandbys(Duration.ofSeconds(3));
			try {
				writeElsewhere("elsewhere");
				new TransactionTemplate(ReplicaRoutingTests.transactionManager(context)).executeWithoutResult((s) -> {
					jdbc.update("INSERT INTO trusted (name) VALUES ('rolled-back')");
					s.setRollbackOnly();
				});
				int port = ReplicaRoutingTests.run(ReplicaRoutingTests.readOnly(context),
						(s) -> ReplicaRoutingTests.port(jdbc));
				assertThat(port).isIn(servers.standbyPort(0), servers.standbyPort(1));
				assertThat(ReplicaRoutingTests.routing(context).servedByPrimary(Routing.OWN_WRITE)).isZero();
			}
			finally {
				delayStandbys(Duration.ZERO);
			}
		});
	}

	@Test
	void aReplicaFarBehindAtStartupTakesNoReadsUntilItReplaysThePrimarysPositionReadAfterStart() throws Exception {
		try (Connection standby = servers.connectStandby(1); Statement statement = standby.createStatement()) {
			statement.execute("SELECT pg_wal_replay_pause()");
			try {
				String name = "before-start-" + System.nanoTime();
				writeElsewhere(name);
				this.contextRunner.run((context) -> {
					JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
					Replica paused = ReplicaRoutingTests.replica(context, 1);
					assertThat(paused.inRotation()).isFalse();
					assertThat(paused.problem()).contains("has not yet replayed the first primary position on record");
					for (int i = 0; i < 6; i++) {
						assertThat(ReplicaRoutingTests.run(ReplicaRoutingTests.readOnly(context),
								(s) -> count(jdbc, name)))
							.isEqualTo(1);
					}
					assertThat(ReplicaRoutingTests.routing(context).servedBy(paused.name())).isZero();
					statement.execute("SELECT pg_wal_replay_resume()");
					await().atMost(Duration.ofSeconds(10)).until(paused::inRotation);
				});
			}
			finally {
				statement.execute("SELECT pg_wal_replay_resume()");
			}
		}
	}

	@Test
	void replicasLeaveTheRotationOnceThePrimaryHasNotBeenReadForMaxLag() throws Exception {
		try (Connection primary = servers.connectPrimary(); Statement statement = primary.createStatement()) {
			statement.execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'unsampled') THEN "
					+ "CREATE ROLE unsampled LOGIN; END IF; END $$");
			statement.execute("GRANT SELECT ON trusted TO unsampled");
			this.contextRunner
				.withPropertyValues("spring.datasource.username=unsampled", "db.pool.replicas.max-lag=1s")
				.run((context) -> {
					Replica replica = ReplicaRoutingTests.replica(context, 0);
					await().atMost(Duration.ofSeconds(10)).until(replica::inRotation);
					try {
						statement.execute("REVOKE EXECUTE ON FUNCTION pg_current_wal_lsn() FROM PUBLIC");
						await().atMost(Duration.ofSeconds(10)).until(() -> !replica.inRotation());
						assertThat(replica.state()).isEqualTo(Replica.State.LAGGING);
						assertThat(replica.problem()).contains("primary's WAL position has not been read for");
						assertThat(replica.lag()).isNull();
					}
					finally {
						statement.execute("GRANT EXECUTE ON FUNCTION pg_current_wal_lsn() TO PUBLIC");
					}
					await().atMost(Duration.ofSeconds(10)).until(replica::inRotation);
				});
		}
	}

	@Test
	void readOnlySerializableTransactionsRunOnThePrimary() {
		this.contextRunner.run((context) -> {
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			TransactionTemplate serializable = ReplicaRoutingTests.readOnly(context);
			serializable.setIsolationLevel(TransactionDefinition.ISOLATION_SERIALIZABLE);
			for (int i = 0; i < 3; i++) {
				assertThat(ReplicaRoutingTests.run(serializable, (s) -> ReplicaRoutingTests.port(jdbc)))
					.isEqualTo(servers.primaryPort());
			}
			assertThat(ReplicaRoutingTests.run(ReplicaRoutingTests.readOnly(context),
					(s) -> ReplicaRoutingTests.port(jdbc)))
				.as("the next read-only transaction at the default isolation")
				.isIn(servers.standbyPort(0), servers.standbyPort(1));
			assertThat(ReplicaRoutingTests.routing(context).servedByPrimary(Routing.SERIALIZABLE)).isEqualTo(3);
		});
	}

	@Test
	void aPoolWideSerializableIsolationFailsStartupNamingBothKeysAndLeavesNothingRunning() {
		this.contextRunner.withPropertyValues("spring.datasource.hikari.transaction-isolation=TRANSACTION_SERIALIZABLE")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(PoolwiseFailures.describe(context))
					.contains("spring.datasource.hikari.transaction-isolation=TRANSACTION_SERIALIZABLE")
					.contains("db.pool.replicas.url");
			});
		assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName)
			.noneMatch((name) -> name.startsWith("poolwise-replicas-"));
	}

	@Test
	void anIsolationWrittenAsHikariAcceptsItRoutesAsTheConstantDoes() {
		this.contextRunner.withPropertyValues("spring.datasource.hikari.transaction-isolation=transaction_repeatable_read")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
				assertThat(ReplicaRoutingTests.run(ReplicaRoutingTests.readOnly(context),
						(s) -> ReplicaRoutingTests.port(jdbc)))
					.isIn(servers.standbyPort(0), servers.standbyPort(1));
			});
	}

	@Test
	void aBusyReplicaSendsReadsElsewhereAndKeepsItsPlaceAndItsConnections() {
		this.contextRunner.withPropertyValues("db.pool.replicas.overflow=0").run((context) -> {
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			Replica busy = ReplicaRoutingTests.replica(context, 0);
			await().atMost(Duration.ofSeconds(10)).until(busy::inRotation);
			assertThat(busy.pool().getConnectionTimeout()).as("replica pools' default timeout").isEqualTo(1000);
			try (Connection held = busy.pool().getConnection()) {
				for (int i = 0; i < 4; i++) {
					assertThat(ReplicaRoutingTests.run(ReplicaRoutingTests.readOnly(context),
							(s) -> ReplicaRoutingTests.port(jdbc)))
						.isNotEqualTo(servers.standbyPort(0));
				}
				assertThat(busy.state()).isEqualTo(Replica.State.AVAILABLE);
				assertThat(ReplicaRoutingTests.routing(context).busyOn(busy.name())).isPositive();
				assertThat(held.isValid(1)).isTrue();
			}
			assertThat(busy.pool().getHikariPoolMXBean().getTotalConnections()).isEqualTo(1);
		});
	}

	@Test
	void aWrapperOfTheApplicationsOwnWrapsTheRoutingAndSeesReplicaStatements() {
		this.contextRunner.withUserConfiguration(CountingWrapperConfiguration.class).run((context) -> {
			DataSource dataSource = context.getBean(DataSource.class);
			assertThat(dataSource).isInstanceOf(CountingDataSource.class);
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			assertThat(ReplicaRoutingTests.run(ReplicaRoutingTests.readOnly(context),
					(s) -> ReplicaRoutingTests.port(jdbc)))
				.isIn(servers.standbyPort(0), servers.standbyPort(1));
			assertThat(((CountingDataSource) dataSource).connections.get()).isPositive();
		});
	}

	@Test
	void datasourceProxyFromTheDecoratorStarterCountsTheStatementsOfTheReplicas() {
		this.contextRunner.withConfiguration(AutoConfigurations.of(DataSourceDecoratorAutoConfiguration.class))
			.withPropertyValues("decorator.datasource.datasource-proxy.count-query=true")
			.run((context) -> {
				assertThat(context.getBean(DataSource.class)).isInstanceOf(DecoratedDataSource.class);
				JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
				QueryCountHolder.clear();
				for (int i = 0; i < 4; i++) {
					assertThat(ReplicaRoutingTests.run(ReplicaRoutingTests.readOnly(context),
							(s) -> ReplicaRoutingTests.port(jdbc)))
						.isIn(servers.standbyPort(0), servers.standbyPort(1));
				}
				assertThat(QueryCountHolder.getGrandTotal().getSelect()).isEqualTo(4);
			});
	}

	@Test
	void thePrimarysOwnKeysReachItsReplicaPools() {
		this.contextRunner.withPropertyValues("db.pool.datasources.dataSource.session.statement-timeout=7s")
			.run((context) -> {
				JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
				assertThat(ReplicaRoutingTests.run(ReplicaRoutingTests.readOnly(context), (s) -> {
					assertThat(ReplicaRoutingTests.port(jdbc)).isNotEqualTo(servers.primaryPort());
					return jdbc.queryForObject("SHOW statement_timeout", String.class).equals("7s") ? 1 : 0;
				})).isEqualTo(1);
			});
	}

	@Test
	void underLazyInitializationReadOnlyTransactionsStillRunOnTheReplicas() {
		this.contextRunner.withBean(LazyInitializationBeanFactoryPostProcessor.class).run((context) -> {
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			for (int i = 0; i < 2; i++) {
				assertThat(ReplicaRoutingTests.run(ReplicaRoutingTests.readOnly(context),
						(s) -> ReplicaRoutingTests.port(jdbc)))
					.isIn(servers.standbyPort(0), servers.standbyPort(1));
			}
		});
	}

	@Test
	void replicaKeysOnAnApplicationsOwnDataSourceFailStartup() {
		this.contextRunner.withUserConfiguration(OwnDataSourceConfiguration.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(PoolwiseFailures.describe(context)).contains("db.pool.replicas.url")
				.contains("is the application's own");
		});
	}

	@Test
	void anIndexOnlyTheReplicasScanIsNotReportedUnusedOnThePrimary() throws SQLException {
		try (Connection primary = servers.connectPrimary(); Statement statement = primary.createStatement()) {
			statement.execute("CREATE INDEX IF NOT EXISTS trusted_replica_only_idx ON trusted (name, id)");
		}
		this.contextRunner.run((context) -> {
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			DbPoolEndpoint endpoint = new DbPoolEndpoint(context.getBean(TunedPools.class), null, Show.NEVER,
					new Sanitizer(), context.getBean(ReplicaSets.class), null,
					new DbPoolEndpoint.Sampling(Duration.ZERO, true));
			await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
				for (int i = 0; i < 2; i++) {
					ReplicaRoutingTests.run(ReplicaRoutingTests.readOnly(context), (s) -> {
						jdbc.execute("SET LOCAL enable_seqscan = off");
						return jdbc.queryForObject("SELECT count(*) FROM trusted WHERE name = 'x' AND id > 0",
								Integer.class);
					});
				}
				IndexUsage indexes = endpoint.pools().pools().get("dataSource").indexes();
				assertThat(indexes.usedOnReplicas()).extracting(IndexUsage.Index::name)
					.contains("trusted_replica_only_idx");
				assertThat(indexes.unused()).extracting(IndexUsage.Index::name)
					.doesNotContain("trusted_replica_only_idx");
				assertThat(indexes.replicasNotRead()).isEmpty();
			});
		});
	}

	@Test
	void aJtaTransactionManagerFailsStartupSinceItMarksNoConnectionReadOnly() {
		this.contextRunner
			.withBean("transactionManager", JtaTransactionManager.class,
					() -> new JtaTransactionManager(new NoTransactions()))
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(PoolwiseFailures.describe(context)).contains("db.pool.replicas.url=(set) is invalid")
					.contains("the transaction manager is JTA (bean transactionManager)");
			});
	}

	@Test
	void anEmbeddedTestDatabaseStartsWithReplicaKeysSetForTheRealOne() {
		this.contextRunner.withUserConfiguration(EmbeddedDatabaseConfiguration.class)
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void aReplicaUrlWithoutAConnectTimeoutKeepsHealthyReplicasInRotation() {
		this.contextRunner
			.withPropertyValues("db.pool.replicas.url=" + servers.standbysUrl(0, 1) + "?connectTimeout=0",
					"db.pool.replicas.check-interval=100ms")
			.run((context) -> {
				Replica replica = ReplicaRoutingTests.replica(context, 0);
				await().atMost(Duration.ofSeconds(10)).until(replica::inRotation);
				AtomicInteger out = new AtomicInteger();
				await().pollInterval(Duration.ofMillis(10)).during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
					.until(() -> replica.inRotation() || out.incrementAndGet() < 0);
				assertThat(out).hasValue(0);
			});
	}

	private static void delayStandbys(Duration delay) throws SQLException {
		servers.delayStandby(0, delay);
		servers.delayStandby(1, delay);
	}

	private static void writeElsewhere(String name) throws SQLException {
		try (Connection connection = servers.connectPrimary();
				Statement statement = connection.createStatement()) {
			statement.execute("INSERT INTO trusted (name) VALUES ('" + name + "')");
		}
	}

	private static Integer count(JdbcTemplate jdbc, String name) {
		return jdbc.queryForObject("SELECT count(*) FROM trusted WHERE name = ?", Integer.class, name);
	}

	@Configuration(proxyBeanMethods = false)
	@Import({ Orders.class, OrderMailer.class })
	static class OrderConfiguration {

	}

	record OrderPlaced(String name) {

	}

	static class Orders {

		private final JdbcTemplate jdbc;

		private final ApplicationEventPublisher events;

		Orders(JdbcTemplate jdbc, ApplicationEventPublisher events) {
			this.jdbc = jdbc;
			this.events = events;
		}

		@Transactional
		public void place(String name) {
			this.jdbc.update("INSERT INTO trusted (name) VALUES (?)", name);
			this.events.publishEvent(new OrderPlaced(name));
		}

	}

	static class OrderMailer {

		private final List<Integer> found = new ArrayList<>();

		private final JdbcTemplate jdbc;

		OrderMailer(JdbcTemplate jdbc) {
			this.jdbc = jdbc;
		}

		public List<Integer> found() {
			return this.found;
		}

		@TransactionalEventListener
		@Transactional(propagation = Propagation.REQUIRES_NEW, readOnly = true)
		public void mail(OrderPlaced placed) {
			this.found.add(count(this.jdbc, placed.name()));
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class CountingWrapperConfiguration {

		@Bean
		static BeanPostProcessor countingWrapper() {
			return new OrderedWrapper();
		}

	}

	static class OrderedWrapper implements BeanPostProcessor, PriorityOrdered {

		@Override
		public Object postProcessAfterInitialization(Object bean, String beanName) {
			return (bean instanceof DataSource dataSource) ? new CountingDataSource(dataSource) : bean;
		}

		@Override
		public int getOrder() {
			return Ordered.HIGHEST_PRECEDENCE;
		}

	}

	static class CountingDataSource extends DelegatingDataSource {

		final AtomicInteger connections = new AtomicInteger();

		CountingDataSource(DataSource target) {
			super(target);
		}

		@Override
		public Connection getConnection() throws SQLException {
			this.connections.incrementAndGet();
			return super.getConnection();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class EmbeddedDatabaseConfiguration {

		@Bean
		DataSource dataSource() {
			return new EmbeddedDatabaseBuilder().setType(EmbeddedDatabaseType.H2).generateUniqueName(true).build();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnDataSourceConfiguration {

		@Bean
		com.zaxxer.hikari.HikariDataSource ownDataSource() {
			com.zaxxer.hikari.HikariDataSource pool = new com.zaxxer.hikari.HikariDataSource();
			pool.setJdbcUrl(servers.primaryUrl(""));
			pool.setUsername("postgres");
			return pool;
		}

	}

	/**
	 * What a failed start says, through every cause.
	 */
	static final class PoolwiseFailures {

		private PoolwiseFailures() {
		}

		static String describe(AssertableApplicationContext context) {
			StringBuilder messages = new StringBuilder();
			for (Throwable failure = context.getStartupFailure(); failure != null; failure = failure.getCause()) {
				messages.append(failure.getMessage()).append('\n');
			}
			return messages.toString();
		}

	}

	/**
	 * A JTA UserTransaction that is never used: startup fails before any transaction begins.
	 */
	static final class NoTransactions implements UserTransaction {

		@Override
		public void begin() {
		}

		@Override
		public void commit() {
		}

		@Override
		public void rollback() {
		}

		@Override
		public void setRollbackOnly() {
		}

		@Override
		public int getStatus() {
			return Status.STATUS_NO_TRANSACTION;
		}

		@Override
		public void setTransactionTimeout(int seconds) {
		}

	}

}
