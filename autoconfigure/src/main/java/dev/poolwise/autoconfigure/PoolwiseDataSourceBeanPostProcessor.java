package dev.poolwise.autoconfigure;

import com.zaxxer.hikari.HikariDataSource;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.ConfigurationPropertyState;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;

import dev.poolwise.budget.ConnectionBudget;
import dev.poolwise.validation.Violations;

/**
 * Tunes the Hikari pool Spring Boot creates, after {@code spring.datasource.hikari} is bound and before
 * the pool starts, so there is only ever one pool and it starts with the final configuration.
 */
class PoolwiseDataSourceBeanPostProcessor implements BeanPostProcessor, Ordered {

	private static final Log logger = LogFactory.getLog(PoolwiseDataSourceBeanPostProcessor.class);

	private static final String BOOT_HIKARI_CONFIGURATION = "org.springframework.boot.jdbc.autoconfigure.DataSourceConfiguration";

	private final ObjectProvider<PoolwiseProperties> properties;

	private final Environment environment;

	private final ConfigurableListableBeanFactory beanFactory;

	private final PoolwisePools pools = new PoolwisePools();

	PoolwiseDataSourceBeanPostProcessor(ObjectProvider<PoolwiseProperties> properties, Environment environment,
			ConfigurableListableBeanFactory beanFactory) {
		this.properties = properties;
		this.environment = environment;
		this.beanFactory = beanFactory;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof HikariDataSource dataSource && isCreatedBySpringBoot(beanName)) {
			tune(dataSource, beanName);
		}
		return bean;
	}

	/**
	 * The registry this post-processor fills as pools are tuned.
	 * @return the tuned pools
	 */
	PoolwisePools getPools() {
		return this.pools;
	}

	private boolean isCreatedBySpringBoot(String beanName) {
		if (!this.beanFactory.containsBeanDefinition(beanName)) {
			return false;
		}
		BeanDefinition definition = this.beanFactory.getBeanDefinition(beanName);
		String factory = definition.getFactoryBeanName();
		return factory != null && factory.startsWith(BOOT_HIKARI_CONFIGURATION);
	}

	private void tune(HikariDataSource dataSource, String beanName) {
		if (!JdbcUrls.isPostgreSql(dataSource.getJdbcUrl())) {
			refuseIfConfigured(dataSource);
			return;
		}
		if (dataSource.isRunning()) {
			logger.warn("Pool '" + beanName + "' was started before Poolwise could tune it; db.pool is not applied");
			return;
		}
		PoolwiseProperties properties = this.properties.getObject();
		PoolTuning tuning = new PoolTuningResolver(properties, this::isSet,
				this.environment.getProperty("spring.application.name"))
			.resolve(dataSource);
		apply(tuning, dataSource, beanName);
		Violations violations = new Violations();
		ConnectionBudget budget = ServerCheck.run(dataSource, tuning, violations);
		checkBudget(budget, tuning, properties, violations);
		violations.throwIfAny();
		this.pools.add(new TunedPool(beanName, dataSource, tuning, budget, properties));
		tuning.overrides().forEach((override) -> logger.info("Pool '" + beanName + "': " + override));
		logger.info(StartupReport.describe(beanName, dataSource, tuning));
	}

	private void refuseIfConfigured(HikariDataSource dataSource) {
		ConfigurationPropertyName prefix = ConfigurationPropertyName.of("db.pool");
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(this.environment)) {
			if (source.containsDescendantOf(prefix) == ConfigurationPropertyState.PRESENT) {
				Violations violations = new Violations();
				violations.add("spring.datasource.url", JdbcUrls.mask(dataSource.getJdbcUrl()),
						"db.pool.* is configured but only tunes PostgreSQL (jdbc:postgresql:) pools",
						"Point spring.datasource.url at PostgreSQL, or remove db.pool.* (or set db.pool.enabled=false).");
				violations.throwIfAny();
			}
		}
		logger.debug("Not a PostgreSQL URL; Poolwise leaves the pool untouched");
	}

	private boolean isSet(String name) {
		ConfigurationPropertyName property = ConfigurationPropertyName.of(name);
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(this.environment)) {
			if (source.getConfigurationProperty(property) != null) {
				return true;
			}
		}
		return false;
	}

	private static void apply(PoolTuning tuning, HikariDataSource dataSource, String beanName) {
		if (dataSource.getPoolName() == null) {
			dataSource.setPoolName(beanName);
		}
		dataSource.setMinimumIdle(tuning.size().value());
		dataSource.setMaximumPoolSize(tuning.maxPoolSize());
		long timeout = tuning.timeout().value().toMillis();
		dataSource.setConnectionTimeout(timeout);
		dataSource.setValidationTimeout(Math.min(dataSource.getValidationTimeout(), timeout));
		dataSource.setMaxLifetime(tuning.recycle().value().toMillis());
		dataSource.setIdleTimeout(tuning.idleTimeout().value().toMillis());
		dataSource.setKeepaliveTime(tuning.keepalive().value().toMillis());
		dataSource.setLeakDetectionThreshold(tuning.leakDetectionThreshold().value().toMillis());
		tuning.driverProperties().forEach((name, value) -> dataSource.addDataSourceProperty(name, value.value()));
	}

	private static void checkBudget(ConnectionBudget budget, PoolTuning tuning, PoolwiseProperties properties,
			Violations violations) {
		int instances = properties.getInstances();
		if (budget.fits(instances, tuning.maxPoolSize())) {
			return;
		}
		int perInstance = budget.maxPoolSizePerInstance(instances);
		String rule = "connection budget exceeded: " + instances + " instance(s) x " + tuning.maxPoolSize()
				+ " connections = " + (instances * tuning.maxPoolSize()) + ", but the server has " + budget.explain();
		String fix = (perInstance < 1) ? "Run fewer instances, or raise max_connections (or put PgBouncer in front)."
				: "Keep size + overflow at or below " + perInstance + " per instance, e.g. db.pool.size="
						+ Math.min(tuning.size().value(), perInstance) + " and db.pool.overflow="
						+ (perInstance - Math.min(tuning.size().value(), perInstance))
						+ ", or raise max_connections.";
		if (properties.getBudget().isEnforce()) {
			violations.add("db.pool.size + db.pool.overflow", tuning.maxPoolSize(), rule, fix);
		}
		else {
			logger.warn("Poolwise " + rule + ". " + fix + " (db.pool.budget.enforce=true fails startup instead)");
		}
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE - 10;
	}

}
