package dev.poolwise.autoconfigure;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.zaxxer.hikari.HikariDataSource;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.config.DestructionAwareBeanPostProcessor;
import org.springframework.context.ApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;

import dev.poolwise.budget.ConnectionBudget;
import dev.poolwise.failover.FailoverEviction;
import dev.poolwise.registry.JvmPoolRegistry;
import dev.poolwise.registry.LivePool;
import dev.poolwise.registry.PoolTarget;
import dev.poolwise.validation.Violations;

/**
 * Tunes every Hikari pool on a PostgreSQL URL after its properties are bound and before it starts, so
 * there is only ever one pool per DataSource and it starts with the final configuration. Pools join the
 * {@link JvmPoolRegistry} when tuned and leave it when their context destroys them.
 */
class PoolwiseDataSourceBeanPostProcessor implements DestructionAwareBeanPostProcessor, Ordered {

	private static final Log logger = LogFactory.getLog(PoolwiseDataSourceBeanPostProcessor.class);

	private static final String BOOT_HIKARI_CONFIGURATION = "org.springframework.boot.jdbc.autoconfigure."
			+ "DataSourceConfiguration";

	private final ObjectProvider<PoolwiseProperties> properties;

	private final Environment environment;

	private final ConfigurableListableBeanFactory beanFactory;

	private final ApplicationContext applicationContext;

	private final PoolwisePools pools = new PoolwisePools();

	private final Set<String> seenPools = ConcurrentHashMap.newKeySet();

	PoolwiseDataSourceBeanPostProcessor(ObjectProvider<PoolwiseProperties> properties, Environment environment,
			ConfigurableListableBeanFactory beanFactory, ApplicationContext applicationContext) {
		this.properties = properties;
		this.environment = environment;
		this.beanFactory = beanFactory;
		this.applicationContext = applicationContext;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof HikariDataSource dataSource) {
			this.seenPools.add(beanName);
			tune(dataSource, beanName);
		}
		return bean;
	}

	@Override
	public void postProcessBeforeDestruction(Object bean, String beanName) {
		if (bean instanceof HikariDataSource dataSource) {
			JvmPoolRegistry.get().deregister(dataSource);
		}
	}

	@Override
	public boolean requiresDestruction(Object bean) {
		return bean instanceof HikariDataSource;
	}

	/**
	 * The registry this post-processor fills as pools are tuned.
	 * @return the tuned pools
	 */
	PoolwisePools getPools() {
		return this.pools;
	}

	/**
	 * Names of every HikariDataSource bean seen so far, tuned or not.
	 * @return the bean names
	 */
	Set<String> getSeenPools() {
		return Set.copyOf(this.seenPools);
	}

	private void tune(HikariDataSource dataSource, String beanName) {
		PoolwiseProperties defaults = this.properties.getObject();
		PoolPropertySources sources = new PoolPropertySources(this.environment, beanName,
				isCreatedBySpringBoot(beanName));
		PoolwiseProperties properties = sources.bind();
		if (!defaults.isEnabled() || !properties.isEnabled()) {
			return;
		}
		if (!JdbcUrls.isPostgreSql(dataSource.getJdbcUrl())) {
			if (sources.isConfigured()) {
				refuse(dataSource);
			}
			logger.debug("DataSource '" + beanName + "' is not on a PostgreSQL URL; Poolwise leaves it untouched");
			return;
		}
		if (dataSource.isRunning()) {
			logger.warn("Pool '" + beanName + "' was started before Poolwise could tune it; db.pool is not applied");
			return;
		}
		PoolTuning tuning = new PoolTuningResolver(properties, sources,
				this.environment.getProperty("spring.application.name"))
			.resolve(dataSource);
		apply(tuning, dataSource, beanName);
		Violations violations = new Violations();
		LivePool live = new LivePool(beanName, owner(), PoolTarget.of(dataSource.getJdbcUrl(),
				dataSource.getUsername()), dataSource);
		ConnectionBudget budget = check(dataSource, tuning, properties, violations);
		if (budget != null) {
			List<LivePool> others = JvmPoolRegistry.get().othersOnServerOf(dataSource);
			new BudgetCheck(budget, others, properties, sources).check(live, tuning, violations);
		}
		violations.throwIfAny();
		JvmPoolRegistry.get().register(live).forEach((other) -> logger.warn("Pool " + live.describe()
				+ " is a second pool to " + live.target() + " next to pool " + other.describe()
				+ ". Each holds its own connections; if this is a cached test context or a duplicate DataSource, "
				+ "share one pool or close the other context."));
		this.pools.add(new TunedPool(beanName, dataSource, tuning, budget, properties));
		tuning.overrides().forEach((override) -> logger.info("Pool '" + beanName + "': " + override));
		logger.info(StartupReport.describe(beanName, dataSource, tuning));
	}

	/**
	 * Runs the server check, or with lazy start lets the application come up without the server: the pool
	 * then starts on first use and keeps retrying in the background instead of failing that first call.
	 * Behind PgBouncer the server's max_connections does not bound the pool, so there is no budget.
	 */
	private static ConnectionBudget check(HikariDataSource dataSource, PoolTuning tuning,
			PoolwiseProperties properties, Violations violations) {
		if (properties.getPgbouncer().isEnabled()) {
			ServerCheck.run(dataSource, tuning, violations);
			return null;
		}
		if (!properties.isLazyStart()) {
			return ServerCheck.run(dataSource, tuning, violations);
		}
		dataSource.setInitializationFailTimeout(-1);
		try {
			return ServerCheck.run(dataSource, tuning, violations);
		}
		catch (DatabaseUnavailableException ex) {
			logger.warn(ex.getMessage() + "; starting anyway (db.pool.lazy-start=true). Session settings and the "
					+ "connection budget were not checked.");
			return null;
		}
	}

	private static void refuse(HikariDataSource dataSource) {
		Violations violations = new Violations();
		violations.add("spring.datasource.url", JdbcUrls.mask(dataSource.getJdbcUrl()),
				"db.pool.* is configured but only tunes PostgreSQL (jdbc:postgresql:) pools",
				"Point spring.datasource.url at PostgreSQL, or remove db.pool.* (or set db.pool.enabled=false).");
		violations.throwIfAny();
	}

	private boolean isCreatedBySpringBoot(String beanName) {
		if (!this.beanFactory.containsBeanDefinition(beanName)) {
			return false;
		}
		BeanDefinition definition = this.beanFactory.getBeanDefinition(beanName);
		String factory = definition.getFactoryBeanName();
		return factory != null && factory.startsWith(BOOT_HIKARI_CONFIGURATION);
	}

	private String owner() {
		return "context '" + this.applicationContext.getId() + "' ("
				+ Integer.toHexString(System.identityHashCode(this.applicationContext)) + ")";
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
		FailoverEviction.install(dataSource);
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE - 10;
	}

}
