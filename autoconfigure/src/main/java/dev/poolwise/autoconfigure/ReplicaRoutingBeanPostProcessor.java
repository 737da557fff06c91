package dev.poolwise.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.context.ApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;

import dev.poolwise.pool.PoolSettings;
import dev.poolwise.pool.PoolUnwrapper;
import dev.poolwise.registry.JvmPoolRegistry;
import dev.poolwise.replica.Replica;
import dev.poolwise.replica.ReplicaCheck;
import dev.poolwise.replica.ReplicaPools;
import dev.poolwise.replica.ReplicaSet;
import dev.poolwise.replica.ReplicaSets;
import dev.poolwise.replica.RoutingDataSource;
import dev.poolwise.startup.PoolTuner;
import dev.poolwise.tls.PoolTls;
import dev.poolwise.tuned.TunedPool;
import dev.poolwise.tuned.TunedPools;
import dev.poolwise.validation.Violations;

/**
 * Gives Spring Boot's DataSource bean read replicas when {@code db.pool.replicas} is configured: after
 * Poolwise tuned the primary pool, each replica host gets a tuned pool of its own, checked against the
 * primary, and the bean is replaced by a {@link RoutingDataSource} that keeps the application's single
 * DataSource and sends read-only transactions to the replicas. The primary's configuration is copied before
 * it is tuned, so replica pools start from what the application bound, not from the primary's tuning.
 */
class ReplicaRoutingBeanPostProcessor implements BeanPostProcessor, Ordered {

	private static final ConfigurationPropertyName REPLICAS = ConfigurationPropertyName
		.of(ReplicaPropertySources.REPLICAS);

	private final ObjectProvider<PoolwiseProperties> properties;

	private final ObjectProvider<TunedPools> pools;

	private final ObjectProvider<ReplicaSets> replicaSets;

	private final Environment environment;

	private final ApplicationContext applicationContext;

	private final Map<String, Template> templates = new ConcurrentHashMap<>();

	ReplicaRoutingBeanPostProcessor(ObjectProvider<PoolwiseProperties> properties, ObjectProvider<TunedPools> pools,
			ObjectProvider<ReplicaSets> replicaSets, Environment environment, ApplicationContext applicationContext) {
		this.properties = properties;
		this.pools = pools;
		this.replicaSets = replicaSets;
		this.environment = environment;
		this.applicationContext = applicationContext;
	}

	@Override
	public Object postProcessBeforeInitialization(Object bean, String beanName) {
		if (bean instanceof DataSource dataSource && applies(beanName)) {
			HikariDataSource pool = PoolUnwrapper.find(dataSource);
			ReplicaProperties replicas = this.properties.getObject().getReplicas();
			if (pool != null && !pool.isRunning() && replicas.isEnabled()) {
				this.templates.put(beanName,
						new Template(ReplicaPools.template(pool), new ReplicaRules(replicas, this.environment).validate()));
			}
		}
		return bean;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		Template template = this.templates.remove(beanName);
		if (!(bean instanceof DataSource) || template == null) {
			return bean;
		}
		TunedPool primary = this.pools.getObject().get(beanName);
		if (primary == null) {
			return bean;
		}
		ReplicaProperties replicas = this.properties.getObject().getReplicas();
		ReplicaCheck check = new ReplicaCheck(primary.dataSource(), ReplicaPropertySources.REPLICAS + ".url",
				replicas.isRequired(), replicas.getLoginTimeout());
		List<Replica> members = new ArrayList<>();
		try {
			template.urls().forEach((name, url) -> members
				.add(replica(primary, template.config(), name, url, check, replicas)));
		}
		catch (RuntimeException ex) {
			members.forEach((replica) -> close(replica.pool()));
			close(primary.dataSource());
			throw ex;
		}
		RoutingDataSource routing = ReplicaSet.route(beanName, primary.dataSource(), members, replicas.getMaxLag(),
				replicas.getCheckInterval(), replicas.isReadYourWrites());
		this.replicaSets.getObject().add(routing.replicas());
		return routing;
	}

	private Replica replica(TunedPool primary, HikariConfig template, String name, String url, ReplicaCheck check,
			ReplicaProperties replicas) {
		ReplicaPropertySources sources = new ReplicaPropertySources(this.environment, name);
		PoolSettings settings = sources.bind();
		String poolName = primary.dataSource().getPoolName() + "-replica-" + name;
		HikariDataSource pool = ReplicaPools.create(template, url, poolName);
		Violations violations = new Violations();
		new CredentialsProviders(this.applicationContext).apply(pool, poolName, settings.credentialsProvider(), sources,
				violations);
		TlsBundles bundles = new TlsBundles(this.applicationContext);
		PoolTls tls = bundles.resolve(settings.ssl(), poolName, sources, violations);
		check.check(name, pool, violations);
		if (tls != null && !violations.isEmpty()) {
			tls.close();
		}
		violations.throwIfAny();
		PoolTuner tuner = new PoolTuner(settings.withLazyStart(settings.lazyStart() || !replicas.isRequired()), sources,
				this.environment.getProperty("spring.application.name"), tls,
				"replica '" + name + "' takes no reads until it answers; they go to the primary "
						+ "(db.pool.replicas.required=true fails startup instead)");
		TunedPool tuned;
		try {
			tuned = tuner.tune(pool, poolName, PoolwiseDataSourceBeanPostProcessor.owner(this.applicationContext));
		}
		catch (RuntimeException ex) {
			if (tls != null) {
				tls.close();
			}
			throw ex;
		}
		this.pools.getObject().add(tuned);
		bundles.watch(tuned);
		return new Replica(name, pool, replicas.getMaxLag(), tuned.rotation());
	}

	/**
	 * Closes a pool of a bean that failed: Spring destroys only beans that were created.
	 */
	private static void close(HikariDataSource pool) {
		JvmPoolRegistry.get().deregister(pool);
		pool.close();
	}

	private boolean applies(String beanName) {
		return PoolPropertySources.isSet(this.environment, REPLICAS) && this.properties.getObject().isEnabled()
				&& PoolwiseDataSourceBeanPostProcessor.isCreatedBySpringBoot(this.applicationContext, beanName);
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE - 9;
	}

	/**
	 * The primary's configuration as bound, and the replicas' URLs by name.
	 */
	private record Template(HikariConfig config, Map<String, String> urls) {

	}

}
