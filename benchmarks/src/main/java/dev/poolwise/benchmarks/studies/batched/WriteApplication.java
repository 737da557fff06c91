package dev.poolwise.benchmarks.studies.batched;

import java.util.Map;

import com.zaxxer.hikari.HikariDataSource;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.data.jpa.autoconfigure.DataJpaRepositoriesAutoConfiguration;
import org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.persistence.autoconfigure.EntityScan;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.jpa.repository.config.EnableJpaRepositories;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.poolwise.autoconfigure.PoolwiseAutoConfiguration;
import dev.poolwise.benchmarks.harness.Applications;
import dev.poolwise.benchmarks.harness.BenchmarkDatabase;
import dev.poolwise.benchmarks.studies.batched.jpa.BatchedEntity;
import dev.poolwise.benchmarks.studies.batched.jpa.BatchedEntityRepository;

/**
 * One side of the batched-writes comparison: what {@code spring-boot-starter-jdbc} and
 * {@code spring-boot-starter-data-jpa} auto-configure, with or without the Poolwise starter. Both sides
 * batch Hibernate's inserts by 50, so the only difference is what Poolwise gives the pool.
 */
final class WriteApplication implements AutoCloseable {

	private final String label;

	private final ConfigurableApplicationContext context;

	private volatile long lastReadSum;

	private WriteApplication(String label, ConfigurableApplicationContext context) {
		this.label = label;
		this.context = context;
	}

	static WriteApplication bootDefault(BenchmarkDatabase database) {
		return new WriteApplication("Spring Boot default", start(BootApplication.class, database, Map.of()));
	}

	/**
	 * Poolwise with its defaults, and any properties added.
	 */
	static WriteApplication poolwise(BenchmarkDatabase database, String label, Map<String, String> properties) {
		return new WriteApplication(label, start(PoolwiseApplication.class, database, properties));
	}

	private static ConfigurableApplicationContext start(Class<?> application, BenchmarkDatabase database,
			Map<String, String> more) {
		Map<String, Object> properties = Applications.common(database);
		properties.put("spring.jpa.properties.hibernate.jdbc.batch_size", "50");
		properties.put("spring.jpa.hibernate.ddl-auto", "none");
		properties.putAll(more);
		return new SpringApplicationBuilder(application).web(WebApplicationType.NONE).properties(properties).run();
	}

	String label() {
		return this.label;
	}

	JdbcTemplate jdbc() {
		return this.context.getBean(JdbcTemplate.class);
	}

	BatchedEntityRepository repository() {
		return this.context.getBean(BatchedEntityRepository.class);
	}

	HikariDataSource dataSource() {
		return this.context.getBean(HikariDataSource.class);
	}

	long lastReadSum() {
		return this.lastReadSum;
	}

	void lastReadSum(long sum) {
		this.lastReadSum = sum;
	}

	@Override
	public void close() {
		this.context.close();
	}

	/**
	 * Spring Boot's JDBC and JPA auto-configuration, nothing else.
	 */
	@SpringBootConfiguration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ DataSourceAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class,
			JdbcTemplateAutoConfiguration.class, TransactionAutoConfiguration.class,
			HibernateJpaAutoConfiguration.class, DataJpaRepositoriesAutoConfiguration.class })
	@EntityScan(basePackageClasses = BatchedEntity.class)
	@EnableJpaRepositories(basePackageClasses = BatchedEntityRepository.class)
	static class BootApplication {

	}

	/**
	 * The same with the Poolwise starter's pool tuning.
	 */
	@SpringBootConfiguration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ DataSourceAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class,
			JdbcTemplateAutoConfiguration.class, TransactionAutoConfiguration.class,
			HibernateJpaAutoConfiguration.class, DataJpaRepositoriesAutoConfiguration.class,
			PoolwiseAutoConfiguration.class })
	@EntityScan(basePackageClasses = BatchedEntity.class)
	@EnableJpaRepositories(basePackageClasses = BatchedEntityRepository.class)
	static class PoolwiseApplication {

	}

}
