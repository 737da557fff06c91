package dev.poolwise.autoconfigure;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.config.DestructionAwareBeanPostProcessor;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.jdbc.EmbeddedDatabaseConnection;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;

import dev.poolwise.pool.JdbcUrls;
import dev.poolwise.pool.PoolSettings;
import dev.poolwise.pool.PoolUnwrapper;
import dev.poolwise.pool.QueuedPool;
import dev.poolwise.pool.WaitingLine;
import dev.poolwise.registry.JvmPoolRegistry;
import dev.poolwise.startup.PoolTuner;
import dev.poolwise.tls.TlsRotation;
import dev.poolwise.tuned.TunedPool;
import dev.poolwise.tuned.TunedPools;
import dev.poolwise.validation.PoolConfigurationException;
import dev.poolwise.validation.Violations;

/**
 * Tunes the Hikari pool of every DataSource bean on a PostgreSQL URL after its properties are bound and
 * before it starts, so there is only ever one pool per DataSource and it starts with the final
 * configuration. A bean that wraps its pool (Spring Boot's lazy connection fetch, a proxy such as
 * datasource-proxy, whichever post-processor ran first) is unwrapped to it. Where {@code db.pool} applies to
 * a bean and its pool cannot be tuned, startup fails naming the bean; nothing configured is dropped without a
 * word. This class holds only the Spring side: which bean, which properties, which context, which credentials
 * provider bean; {@link PoolTuner} does the tuning. Pools leave the {@link JvmPoolRegistry} when their context
 * destroys them.
 */
class PoolwiseDataSourceBeanPostProcessor implements DestructionAwareBeanPostProcessor, Ordered {

	private static final Log logger = LogFactory.getLog(PoolwiseDataSourceBeanPostProcessor.class);

	private static final String BOOT_DATA_SOURCE_CONFIGURATION = "org.springframework.boot.jdbc.autoconfigure."
			+ "DataSourceConfiguration";

	private final ObjectProvider<PoolwiseProperties> properties;

	private final ObjectProvider<TunedPools> pools;

	private final Environment environment;

	private final ApplicationContext applicationContext;

	/**
	 * The queued pools that took the place of the pools Boot or the application configured, by the pool they
	 * replaced: Spring destroys the bean it created, so the replacement is closed when that is destroyed.
	 */
	private final Map<HikariDataSource, QueuedPool> replacements = Collections.synchronizedMap(new IdentityHashMap<>());

	/** The TLS rotations of the pools this context tuned, closed with their pools. */
	private final Map<String, TlsRotation> rotations = new ConcurrentHashMap<>();

	private final UnitlessDurations unitless;

	PoolwiseDataSourceBeanPostProcessor(ObjectProvider<PoolwiseProperties> properties,
			ObjectProvider<TunedPools> pools, Environment environment, ApplicationContext applicationContext) {
		this.properties = properties;
		this.pools = pools;
		this.environment = environment;
		this.applicationContext = applicationContext;
		this.unitless = new UnitlessDurations(environment);
	}

	/**
	 * Puts a {@link WaitingLine} in front of a Hikari pool that db.pool tunes, once its properties are bound
	 * and before any other post-processor wraps it: the bean becomes a {@link QueuedPool}, still a
	 * HikariDataSource with the same configuration, and the pool Boot created is never started. A pool of
	 * another class (a subclass of the application's own) or one already started keeps Hikari's queue.
	 */
	@Override
	public Object postProcessBeforeInitialization(Object bean, String beanName) {
		if (bean.getClass() != HikariDataSource.class || !this.properties.getObject().isEnabled()) {
			return bean;
		}
		HikariDataSource pool = (HikariDataSource) bean;
		if (pool.isRunning() || pool.isClosed() || !JdbcUrls.isPostgreSql(pool.getJdbcUrl())) {
			return bean;
		}
		PoolPropertySources sources = new PoolPropertySources(this.environment, beanName,
				isCreatedBySpringBoot(this.applicationContext, beanName));
		PoolSettings settings;
		try {
			settings = sources.bind();
		}
		catch (BindException ex) {
			return bean;
		}
		PoolSettings.Queue queue = settings.queue();
		Integer maxWaiting = queue.maxWaiting();
		if (!settings.enabled() || !queue.lined() || (maxWaiting != null && maxWaiting < 0)) {
			return bean;
		}
		QueuedPool queued = QueuedPool.of(pool, new WaitingLine(queue.fair(), (maxWaiting != null) ? maxWaiting : -1,
				sources.suggested("queue.max-waiting")));
		this.replacements.put(pool, queued);
		return queued;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof DataSource dataSource) {
			try {
				examine(dataSource, beanName);
			}
			catch (PoolConfigurationException ex) {
				throw this.unitless.explain(ex);
			}
		}
		return bean;
	}

	@Override
	public void postProcessBeforeDestruction(Object bean, String beanName) {
		if (bean instanceof DataSource dataSource) {
			QueuedPool replacement = this.replacements.remove(bean);
			HikariDataSource pool = (replacement != null) ? replacement : PoolUnwrapper.find(dataSource);
			if (pool != null) {
				JvmPoolRegistry.get().deregister(pool);
			}
			if (replacement != null) {
				replacement.close();
			}
			TlsRotation rotation = this.rotations.remove(beanName);
			if (rotation != null) {
				rotation.close();
			}
		}
	}

	@Override
	public boolean requiresDestruction(Object bean) {
		return bean instanceof DataSource;
	}

	private void examine(DataSource dataSource, String beanName) {
		if (!this.properties.getObject().isEnabled()) {
			return;
		}
		Violations placeholders = new Violations();
		UnresolvedPlaceholders.check(this.environment, placeholders);
		placeholders.throwIfAny();
		PoolPropertySources sources = new PoolPropertySources(this.environment, beanName,
				isCreatedBySpringBoot(this.applicationContext, beanName));
		PoolSettings settings = sources.bind();
		HikariDataSource pool = PoolUnwrapper.find(dataSource);
		TunedPools pools = this.pools.getObject();
		if (pool != null) {
			pools.found(beanName);
		}
		if (!settings.enabled() || (pool != null && pools.isTuned(pool))) {
			return;
		}
		if (pool == null) {
			untunable(sources.isConfigured(), sources, beanName, PoolUnwrapper.describe(dataSource), "no HikariDataSource inside it",
					"Make the bean a HikariDataSource, or a wrapper that unwraps to one (java.sql.Wrapper#unwrap or "
							+ "Spring's DelegatingDataSource)");
			return;
		}
		if (!JdbcUrls.isPostgreSql(pool.getJdbcUrl())) {
			notPostgreSql(pool, beanName, sources);
			return;
		}
		if (pool.isRunning()) {
			untunable(sources.isTuning(), sources, beanName, PoolUnwrapper.describe(dataSource),
					"its pool was started before Poolwise could tune it, so none of db.pool can be applied",
					"Let nothing borrow a connection while the DataSource bean is created (a wrapper that reads "
							+ "connection defaults in its constructor does), or define the HikariDataSource as a bean "
							+ "of its own and wrap that bean");
			return;
		}
		TunedPool tuned = new PoolPreparation(this.applicationContext, pools).prepare(pool, beanName, settings, sources,
				(tls) -> new PoolTuner(settings, sources, this.environment.getProperty("spring.application.name"), tls));
		TlsRotation rotation = tuned.rotation();
		if (rotation != null) {
			this.rotations.put(beanName, rotation);
		}
		this.unitless.warnAccepted(beanName);
	}

	/**
	 * A pool that db.pool applies to but cannot reach is an error naming the bean; one it does not apply to
	 * is left alone.
	 */
	private static void untunable(boolean configured, PoolPropertySources sources, String beanName, String found,
			String reason, String fix) {
		if (!configured) {
			logger.debug("DataSource '" + beanName + "' (" + found + ") is not tuned: " + reason);
			return;
		}
		Violations violations = new Violations();
		violations.add(sources.configuredKeys(), found, "DataSource bean '" + beanName + "' is configured, but " + reason,
				fix + "; or remove the db.pool keys for it (db.pool.enabled=false turns Poolwise off).");
		violations.throwIfAny();
	}

	/**
	 * An in-memory database that Spring Boot set up for development or tests keeps the application's
	 * db.pool keys from being an error, with one line that says so; a real server that is not PostgreSQL, or
	 * a pool's own keys on such a bean, are an error.
	 */
	private static void notPostgreSql(HikariDataSource pool, String beanName, PoolPropertySources sources) {
		if (!sources.isConfigured()) {
			logger.debug("DataSource '" + beanName + "' is not on a PostgreSQL URL; Poolwise leaves it untouched");
			return;
		}
		if (!sources.hasOwnKeys() && isEmbedded(pool)) {
			logger.info("Poolwise leaves pool '" + beanName + "' untouched: it is an embedded in-memory database ("
					+ JdbcUrls.mask(pool.getJdbcUrl()) + "), and db.pool tunes PostgreSQL pools only");
			return;
		}
		Violations violations = new Violations();
		violations.add("spring.datasource.url", JdbcUrls.mask(pool.getJdbcUrl()),
				"db.pool.* is configured but only tunes PostgreSQL (jdbc:postgresql:) pools",
				"Point spring.datasource.url at PostgreSQL, or remove db.pool.* (or set db.pool.enabled=false).");
		violations.throwIfAny();
	}

	private static boolean isEmbedded(HikariDataSource pool) {
		return EmbeddedDatabaseConnection.isEmbedded(pool.getDriverClassName(), pool.getJdbcUrl());
	}

	/**
	 * Whether Spring Boot's DataSource auto-configuration defined the bean, so that
	 * {@code spring.datasource.hikari} applies to it and it is the primary that replicas serve.
	 * @param applicationContext the context
	 * @param beanName the DataSource bean
	 * @return true for Spring Boot's pool
	 */
	static boolean isCreatedBySpringBoot(ApplicationContext applicationContext, String beanName) {
		ConfigurableListableBeanFactory beanFactory = ((ConfigurableApplicationContext) applicationContext)
			.getBeanFactory();
		if (!beanFactory.containsBeanDefinition(beanName)) {
			return false;
		}
		BeanDefinition definition = beanFactory.getBeanDefinition(beanName);
		@Nullable String factory = definition.getFactoryBeanName();
		return factory != null && factory.startsWith(BOOT_DATA_SOURCE_CONFIGURATION);
	}

	static String owner(ApplicationContext applicationContext) {
		return "context '" + applicationContext.getId() + "' ("
				+ Integer.toHexString(System.identityHashCode(applicationContext)) + ")";
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE - 10;
	}

}
