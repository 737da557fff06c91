package dev.poolwise.replica;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.jpa.autoconfigure.DataJpaRepositoriesAutoConfiguration;
import org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.persistence.autoconfigure.EntityScan;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.jpa.repository.config.EnableJpaRepositories;
import org.springframework.orm.jpa.EntityManagerHolder;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.poolwise.autoconfigure.PoolwiseAutoConfiguration;
import dev.poolwise.test.ReplicatedServers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * JPA through Spring Data repositories against a real primary and two streaming standbys: the repository's
 * read-only finders run on a replica (JpaTransactionManager marks the JDBC connection read-only through
 * HibernateJpaDialect before the first statement), its writes on the primary; an entity manager held across
 * transactions, as open-in-view holds it, keeps a read-only transaction on the primary, which is counted and
 * logged once, and keeps a write off the replica connection it holds.
 */
@ExtendWith(OutputCaptureExtension.class)
class ReplicaJpaTests {

	private static final ReplicatedServers servers = ReplicatedServers.shared();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, PoolwiseAutoConfiguration.class,
				HibernateJpaAutoConfiguration.class, DataJpaRepositoriesAutoConfiguration.class,
				TransactionAutoConfiguration.class))
		.withUserConfiguration(Repositories.class)
		.withPropertyValues("spring.datasource.url=" + servers.primaryUrl(""), "spring.datasource.username=postgres",
				"spring.jpa.hibernate.ddl-auto=none", "db.pool.size=2", "db.pool.replicas.size=1",
				"db.pool.replicas.url=" + servers.standbysUrl(0, 1), "db.pool.replicas.max-lag=10s");

	@BeforeAll
	static void createTable() throws SQLException {
		try (Connection connection = servers.connectPrimary(); Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE IF NOT EXISTS replica_item (id bigserial PRIMARY KEY, name text)");
		}
	}

	@Test
	void repositoryFindersRunOnAReplicaAndSavesOnThePrimary() {
		this.contextRunner.run((context) -> {
			ReplicaItems items = context.getBean(ReplicaItems.class);
			items.save(new ReplicaItem("saved"));
			assertThat(items.serverPort()).isIn(servers.standbyPort(0), servers.standbyPort(1));
			Routing routing = ReplicaRoutingTests.routing(context);
			long before = servedByReplicas(context);
			items.count();
			items.findAll();
			assertThat(servedByReplicas(context) - before).isEqualTo(2);
			assertThat(routing.misroutedBy(Routing.HELD_PRIMARY)).isZero();
		});
	}

	@Test
	void aReadOnlyTransactionOnAnEntityManagerHeldAfterAWriteStaysOnThePrimaryAndIsCountedAndLoggedOnce(
			CapturedOutput output) {
		this.contextRunner.run((context) -> heldEntityManager(context, () -> {
			ReplicaItems items = context.getBean(ReplicaItems.class);
			items.save(new ReplicaItem("held"));
			assertThat(items.serverPort()).isEqualTo(servers.primaryPort());
			assertThat(items.serverPort()).isEqualTo(servers.primaryPort());
			assertThat(ReplicaRoutingTests.routing(context).misroutedBy(Routing.HELD_PRIMARY)).isEqualTo(2);
			assertThat(output.toString().split("a read-only transaction ran on the primary", -1)).hasSize(2);
			assertThat(output).contains("spring.jpa.open-in-view=false");
		}));
	}

	@Test
	void aWriteOnAnEntityManagerHeldAfterAReadOnlyTransactionIsRefusedBeforeItReachesTheReplica() {
		this.contextRunner.run((context) -> heldEntityManager(context, () -> {
			ReplicaItems items = context.getBean(ReplicaItems.class);
			assertThat(items.serverPort()).isIn(servers.standbyPort(0), servers.standbyPort(1));
			TransactionTemplate write = new TransactionTemplate(ReplicaRoutingTests.transactionManager(context));
			assertThatExceptionOfType(RuntimeException.class)
				.isThrownBy(() -> write.executeWithoutResult((status) -> items.saveAndFlush(new ReplicaItem("no"))))
				.withStackTraceContaining("Poolwise refused a transaction that is not read-only on a read-only "
						+ "connection");
			assertThat(ReplicaRoutingTests.routing(context).misroutedBy(Routing.HELD_REPLICA)).isEqualTo(1);
		}));
	}

	/**
	 * Runs with one entity manager bound to the thread for all transactions, as open-in-view does.
	 */
	private static void heldEntityManager(AssertableApplicationContext context, Runnable work) {
		EntityManagerFactory factory = context.getBean(EntityManagerFactory.class);
		EntityManager entityManager = factory.createEntityManager();
		TransactionSynchronizationManager.bindResource(factory, new EntityManagerHolder(entityManager));
		try {
			work.run();
		}
		finally {
			TransactionSynchronizationManager.unbindResource(factory);
			entityManager.close();
		}
	}

	private static long servedByReplicas(AssertableApplicationContext context) {
		Routing routing = ReplicaRoutingTests.routing(context);
		return context.getBean(ReplicaSets.class)
			.all()
			.iterator()
			.next()
			.replicas()
			.stream()
			.mapToLong((replica) -> routing.servedBy(replica.name()))
			.sum();
	}

	@Configuration(proxyBeanMethods = false)
	@EnableJpaRepositories(basePackageClasses = ReplicaItems.class)
	@EntityScan(basePackageClasses = ReplicaItem.class)
	static class Repositories {

	}

}
