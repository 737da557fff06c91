package dev.poolwise.autoconfigure;

import java.sql.Connection;
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

import dev.poolwise.pool.JdbcUrls;
import dev.poolwise.pool.PoolSettings;
import dev.poolwise.pool.PoolUnwrapper;
import dev.poolwise.replica.Replica;
import dev.poolwise.replica.ReplicaCheck;
import dev.poolwise.replica.ReplicaPools;
import dev.poolwise.replica.ReplicaSet;
import dev.poolwise.replica.ReplicaSets;
import dev.poolwise.replica.RoutingDataSource;
import dev.poolwise.startup.PoolTuner;
import dev.poolwise.tls.TlsRotation;
import dev.poolwise.tuned.TunedPool;
import dev.poolwise.tuned.TunedPools;
import dev.poolwise.validation.PoolConfigurationException;
import dev.poolwise.validation.Violations;

/**
 * Gives Spring Boot's DataSource bean read replicas when {@code db.pool.replicas} is configured. As soon as
 * the primary pool's properties are bound, before any other post-processor can wrap the bean, the bean becomes
 * a {@link RoutingDataSource} around the pool, so a decorator (datasource-proxy, p6spy, tracing, an
 * application's own wrapper) wraps the routing and sees every statement, on the primary and the replicas
 * alike. Once Poolwise has tuned the primary, each replica host gets a tuned pool of its own, checked against
 * the primary, and the routing starts sending read-only transactions to them. The primary's configuration is
 * copied before it is tuned, so replica pools start from what the application bound, not from the primary's
 * tuning. A failure part-way closes what was opened, replicas and primary alike.
 */
class ReplicaRoutingBeanPostProcessor implements BeanPostProcessor, Ordered {

	private static final ConfigurationPropertyName REPLICAS = ConfigurationPropertyName
		.of(ReplicaPropertySources.REPLICAS);

	private static final String ISOLATION = "spring.datasource.hikari.transaction-isolation";

	private final ObjectProvider<PoolwiseProperties> properties;

	private final ObjectProvider<TunedPools> pools;

	private final ObjectProvider<ReplicaSets> replicaSets;

	private final Environment environment;

	private final ApplicationContext applicationContext;

	private final Map<String, Template> templates = new ConcurrentHashMap<>();

	private final UnitlessDurations unitless;

	ReplicaRoutingBeanPostProcessor(ObjectProvider<PoolwiseProperties> properties, ObjectProvider<TunedPools> pools,
			ObjectProvider<ReplicaSets> replicaSets, Environment environment, ApplicationContext applicationContext) {
		this.properties = properties;
		this.pools = pools;
		this.replicaSets = replicaSets;
		this.environment = environment;
		this.applicationContext = applicationContext;
		this.unitless = new UnitlessDurations(environment);
	}

	@Override
	public Object postProcessBeforeInitialization(Object bean, String beanName) {
		if (!(bean instanceof DataSource dataSource) || !replicasSet()) {
			return bean;
		}
		if (!PoolwiseDataSourceBeanPostProcessor.isCreatedBySpringBoot(this.applicationContext, beanName)) {
			ownDataSource(dataSource, beanName);
			return bean;
		}
		HikariDataSource pool = PoolUnwrapper.find(dataSource);
		ReplicaProperties replicas = this.properties.getObject().getReplicas();
		if (pool == null || pool.isRunning() || !replicas.isEnabled()) {
			return bean;
		}
		Violations violations = new Violations();
		if (pool != bean) {
			violations.add(ReplicaPropertySources.REPLICAS + ".url", PoolUnwrapper.describe(dataSource),
					"DataSource bean '" + beanName + "' was wrapped before its properties were bound, and "
							+ "routing to replicas would have to replace the wrapper",
					"Wrap the DataSource in postProcessAfterInitialization, as datasource-proxy and p6spy do; "
							+ "the wrapper then sees the statements of the primary and the replicas.");
		}
		Map<String, String> urls = new ReplicaRules(replicas, this.environment).validate(violations);
		isolation(pool, violations);
		new ReplicaRoutingCheck(this.applicationContext, this.environment).check(violations);
		violations.throwIfAny();
		RoutingDataSource routing = new RoutingDataSource(pool);
		this.templates.put(beanName, new Template(ReplicaPools.template(pool), urls, routing));
		return routing;
	}

	/**
	 * A hot standby refuses SERIALIZABLE, so a pool-wide SERIALIZABLE would send every read-only transaction
	 * to the primary; an isolation Hikari would refuse is said here, in the same report.
	 */
	private static void isolation(HikariDataSource pool, Violations violations) {
		String isolation = pool.getTransactionIsolation();
		int level;
		try {
			level = RoutingDataSource.isolation(isolation);
		}
		catch (IllegalArgumentException ex) {
			violations.add(ISOLATION, String.valueOf(isolation), "is not a transaction isolation",
					"Write one of TRANSACTION_READ_COMMITTED, TRANSACTION_REPEATABLE_READ or "
							+ "TRANSACTION_SERIALIZABLE (any case), or its JDBC number.");
			return;
		}
		if (level == Connection.TRANSACTION_SERIALIZABLE) {
			violations.add(ISOLATION, String.valueOf(isolation),
					"a hot standby cannot run SERIALIZABLE transactions, so with db.pool.replicas.url set every "
							+ "read-only transaction would go to the primary",
					"Remove " + ISOLATION + " and ask for SERIALIZABLE per transaction "
							+ "(@Transactional(isolation = Isolation.SERIALIZABLE), which runs on the primary), "
							+ "or remove db.pool.replicas.url.");
		}
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		Template template = this.templates.remove(beanName);
		if (!(bean instanceof DataSource)) {
			return bean;
		}
		if (template == null) {
			return bean;
		}
		TunedPool primary = this.pools.getObject().get(beanName);
		if (primary == null) {
			Violations violations = new Violations();
			violations.add(ReplicaPropertySources.REPLICAS + ".url", "(set)",
					"Poolwise does not tune DataSource bean '" + beanName + "', so it cannot route its reads",
					"Let Poolwise tune the bean (remove db.pool.datasources." + beanName + ".enabled=false), or "
							+ "remove the db.pool.replicas.* keys.");
			violations.throwIfAny();
			return bean;
		}
		ReplicaProperties replicas = this.properties.getObject().getReplicas();
		ReplicaCheck check = new ReplicaCheck(primary.dataSource(), ReplicaPropertySources.REPLICAS + ".url",
				replicas.isRequired(), replicas.getLoginTimeout());
		List<Replica> members = new ArrayList<>();
		try {
			template.urls()
				.forEach((name, url) -> members
					.add(replica(beanName, primary, template.config(), name, url, check, replicas)));
			this.replicaSets.getObject()
				.add(ReplicaSet.attach(template.routing(), beanName, primary.dataSource(), members,
						replicas.getMaxLag(), replicas.getCheckInterval(), replicas.isReadYourWrites()));
		}
		catch (RuntimeException ex) {
			members.forEach(Replica::close);
			TlsRotation rotation = primary.rotation();
			if (rotation != null) {
				rotation.close();
			}
			PoolPreparation.closeFailed(primary.dataSource());
			throw (ex instanceof PoolConfigurationException refused) ? this.unitless.explain(refused) : ex;
		}
		this.unitless.warnAcceptedUnder(ReplicaPropertySources.REPLICAS + ".");
		return bean;
	}

	/**
	 * Replica keys apply to the DataSource Spring Boot creates; on a context whose only DataSource is the
	 * application's own they would route nothing, so startup says so, before the pool is tuned and so before
	 * anything is opened for it.
	 */
	private void ownDataSource(DataSource dataSource, String beanName) {
		if (!this.properties.getObject().getReplicas().isEnabled() || bootDataSourceDefined()) {
			return;
		}
		HikariDataSource pool = PoolUnwrapper.find(dataSource);
		if (pool == null || !JdbcUrls.isPostgreSql(pool.getJdbcUrl())) {
			return;
		}
		Violations violations = new Violations();
		violations.add(ReplicaPropertySources.REPLICAS + ".url", "(set)",
				"read replicas serve the DataSource Spring Boot creates from spring.datasource.*, and this context "
						+ "has none: DataSource bean '" + beanName + "' is the application's own",
				"Let Spring Boot create the DataSource (remove the @Bean and set spring.datasource.url and "
						+ "spring.datasource.hikari.*), or remove the db.pool.replicas.* keys.");
		violations.throwIfAny();
	}

	private boolean bootDataSourceDefined() {
		for (String name : this.applicationContext.getBeanNamesForType(DataSource.class, true, false)) {
			if (PoolwiseDataSourceBeanPostProcessor.isCreatedBySpringBoot(this.applicationContext, name)) {
				return true;
			}
		}
		return false;
	}

	private Replica replica(String beanName, TunedPool primary, HikariConfig template, String name, String url,
			ReplicaCheck check, ReplicaProperties replicas) {
		ReplicaPropertySources sources = new ReplicaPropertySources(this.environment, beanName, name);
		PoolSettings settings = sources.bind(replicas.isRequired());
		String poolName = primary.dataSource().getPoolName() + "-replica-" + name;
		HikariDataSource pool = ReplicaPools.create(template, url, poolName);
		TunedPool tuned = new PoolPreparation(this.applicationContext, this.pools.getObject()).prepare(pool, poolName,
				settings, sources, (violations) -> check.check(name, pool, violations),
				(tls) -> new PoolTuner(settings, sources,
						this.environment.getProperty("spring.application.name"), tls,
						"replica '" + name + "' takes no reads until it answers; they go to the primary "
								+ "(db.pool.replicas.required=true fails startup instead)"));
		return new Replica(name, pool, replicas.getMaxLag(), tuned.rotation());
	}

	private boolean replicasSet() {
		return PoolPropertySources.isSet(this.environment, REPLICAS) && this.properties.getObject().isEnabled();
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE - 9;
	}

	/**
	 * The primary's configuration as bound, the replicas' URLs by name, and the routing that took the
	 * primary's place.
	 */
	private record Template(HikariConfig config, Map<String, String> urls, RoutingDataSource routing) {

	}

}
