package dev.poolwise.autoconfigure.drain;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicReference;

import com.zaxxer.hikari.HikariDataSource;
import jakarta.persistence.EntityManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.persistence.autoconfigure.EntityScan;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.annotation.Configuration;

import dev.poolwise.autoconfigure.PoolwiseAutoConfiguration;
import dev.poolwise.test.PostgresServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The drain closes the pools after everything that still needs the database at shutdown: Hibernate's
 * {@code ddl-auto=create-drop} drops its schema when the entity manager factory closes, after every
 * {@code SmartLifecycle} has stopped, on a pool that is still open, as it does without Poolwise.
 */
@ExtendWith(OutputCaptureExtension.class)
class PoolDrainJpaTests {

	private static final String TABLE = "drain_create_drop_item";

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, PoolwiseAutoConfiguration.class,
				PoolDrainAutoConfiguration.class, HibernateJpaAutoConfiguration.class,
				TransactionAutoConfiguration.class))
		.withUserConfiguration(Entities.class)
		.withPropertyValues(PostgresServer.datasourceProperties())
		.withPropertyValues("spring.jpa.hibernate.ddl-auto=create-drop", "db.pool.size=2",
				"db.pool.application-name=drain-create-drop");

	@Test
	void createDropSchemaIsDroppedAtShutdownAndThenThePoolCloses(CapturedOutput output) throws SQLException {
		AtomicReference<HikariDataSource> pool = new AtomicReference<>();
		this.contextRunner.run((context) -> {
			assertThat(context).hasNotFailed().hasSingleBean(EntityManagerFactory.class);
			assertThat(tableExists()).isTrue();
			pool.set(context.getBean(HikariDataSource.class));
		});
		assertThat(tableExists()).isFalse();
		assertThat(output).doesNotContain("has been closed");
		assertThat(pool.get().isClosed()).isTrue();
		assertThat(PostgresServer.sessions("drain-create-drop")).isZero();
	}

	private static boolean tableExists() throws SQLException {
		try (Connection connection = PostgresServer.connect(); Statement statement = connection.createStatement();
				ResultSet row = statement.executeQuery("SELECT to_regclass('" + TABLE + "') IS NOT NULL")) {
			row.next();
			return row.getBoolean(1);
		}
	}

	@Configuration(proxyBeanMethods = false)
	@EntityScan(basePackageClasses = DrainedItem.class)
	static class Entities {

	}

}
