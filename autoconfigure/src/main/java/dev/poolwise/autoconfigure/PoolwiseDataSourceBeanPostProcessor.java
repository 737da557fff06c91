package dev.poolwise.autoconfigure;

import com.zaxxer.hikari.HikariDataSource;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.config.DestructionAwareBeanPostProcessor;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;

import dev.poolwise.pool.JdbcUrls;
import dev.poolwise.pool.PoolSettings;
import dev.poolwise.registry.JvmPoolRegistry;
import dev.poolwise.startup.PoolTuner;
import dev.poolwise.tuned.TunedPools;
import dev.poolwise.validation.Violations;

/**
 * Tunes every Hikari pool on a PostgreSQL URL after its properties are bound and before it starts, so
 * there is only ever one pool per DataSource and it starts with the final configuration. This class holds
 * only the Spring side: which bean, which properties, which context, which credentials provider bean;
 * {@link PoolTuner} does the tuning.
 * Pools leave the {@link JvmPoolRegistry} when their context destroys them.
 */
class PoolwiseDataSourceBeanPostProcessor implements DestructionAwareBeanPostProcessor, Ordered {

	private static final Log logger = LogFactory.getLog(PoolwiseDataSourceBeanPostProcessor.class);

	private static final String BOOT_HIKARI_CONFIGURATION = "org.springframework.boot.jdbc.autoconfigure."
			+ "DataSourceConfiguration";

	private final ObjectProvider<PoolwiseProperties> properties;

	private final ObjectProvider<TunedPools> pools;

	private final Environment environment;

	private final ApplicationContext applicationContext;

	PoolwiseDataSourceBeanPostProcessor(ObjectProvider<PoolwiseProperties> properties,
			ObjectProvider<TunedPools> pools, Environment environment, ApplicationContext applicationContext) {
		this.properties = properties;
		this.pools = pools;
		this.environment = environment;
		this.applicationContext = applicationContext;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof HikariDataSource dataSource) {
			this.pools.getObject().found(beanName);
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

	private void tune(HikariDataSource dataSource, String beanName) {
		PoolwiseProperties defaults = this.properties.getObject();
		PoolPropertySources sources = new PoolPropertySources(this.environment, beanName,
				isCreatedBySpringBoot(beanName));
		PoolSettings settings = sources.bind();
		if (!defaults.isEnabled() || !settings.enabled()) {
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
		Violations violations = new Violations();
		new CredentialsProviders(this.applicationContext).apply(dataSource, beanName, settings.credentialsProvider(),
				sources, violations);
		violations.throwIfAny();
		PoolTuner tuner = new PoolTuner(settings, sources, this.environment.getProperty("spring.application.name"));
		this.pools.getObject().add(tuner.tune(dataSource, beanName, owner()));
	}

	private static void refuse(HikariDataSource dataSource) {
		Violations violations = new Violations();
		violations.add("spring.datasource.url", JdbcUrls.mask(dataSource.getJdbcUrl()),
				"db.pool.* is configured but only tunes PostgreSQL (jdbc:postgresql:) pools",
				"Point spring.datasource.url at PostgreSQL, or remove db.pool.* (or set db.pool.enabled=false).");
		violations.throwIfAny();
	}

	private boolean isCreatedBySpringBoot(String beanName) {
		ConfigurableListableBeanFactory beanFactory = ((ConfigurableApplicationContext) this.applicationContext)
			.getBeanFactory();
		if (!beanFactory.containsBeanDefinition(beanName)) {
			return false;
		}
		BeanDefinition definition = beanFactory.getBeanDefinition(beanName);
		String factory = definition.getFactoryBeanName();
		return factory != null && factory.startsWith(BOOT_HIKARI_CONFIGURATION);
	}

	private String owner() {
		return "context '" + this.applicationContext.getId() + "' ("
				+ Integer.toHexString(System.identityHashCode(this.applicationContext)) + ")";
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE - 10;
	}

}
