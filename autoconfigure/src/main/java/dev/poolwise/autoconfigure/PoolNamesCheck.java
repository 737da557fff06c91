package dev.poolwise.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName.Form;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.env.Environment;

import dev.poolwise.validation.Violations;

/**
 * Fails startup when {@code db.pool.datasources.<name>} names no Hikari pool of the context: a misspelt
 * bean name would otherwise leave its settings unused without a word. It runs once every singleton exists,
 * when every eagerly created pool has passed the post-processor, and matches names as
 * {@link PoolPropertySources} does, so a key is accepted exactly when some pool reads it.
 */
final class PoolNamesCheck implements SmartInitializingSingleton {

	private static final String PREFIX = "db.pool.datasources";

	private static final ConfigurationPropertyName DATASOURCES = ConfigurationPropertyName.of(PREFIX);

	private static final int POOL_DEPTH = DATASOURCES.getNumberOfElements() + 1;

	private final Environment environment;

	private final ConfigurableListableBeanFactory beanFactory;

	private final Supplier<Set<String>> seenPools;

	/**
	 * @param environment the application's environment
	 * @param beanFactory the context's bean factory
	 * @param seenPools names of the Hikari pools found so far
	 */
	PoolNamesCheck(Environment environment, ConfigurableListableBeanFactory beanFactory,
			Supplier<Set<String>> seenPools) {
		this.environment = environment;
		this.beanFactory = beanFactory;
		this.seenPools = seenPools;
	}

	@Override
	public void afterSingletonsInstantiated() {
		Set<String> pools = new TreeSet<>(this.seenPools.get());
		Violations violations = new Violations();
		configured().forEach((pool, keys) -> {
			String name = pool.getLastElement(Form.ORIGINAL);
			if (!isPool(pool, pools) && !isNotCreatedYet(name)) {
				violations.add(PREFIX + "." + name, keys,
						"no HikariDataSource bean is named '" + name + "', so Poolwise would ignore these settings",
						fix(name, pools));
			}
		});
		violations.throwIfAny();
	}

	private Map<ConfigurationPropertyName, Set<String>> configured() {
		Map<ConfigurationPropertyName, Set<String>> configured = new LinkedHashMap<>();
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(this.environment)) {
			if (source instanceof IterableConfigurationPropertySource iterable) {
				iterable.stream()
					.filter((name) -> DATASOURCES.isAncestorOf(name) && name.getNumberOfElements() > POOL_DEPTH)
					.forEach((name) -> configured.computeIfAbsent(name.chop(POOL_DEPTH), (pool) -> new TreeSet<>())
						.add(name.subName(POOL_DEPTH).toString()));
			}
		}
		return configured;
	}

	private static boolean isPool(ConfigurationPropertyName configured, Set<String> pools) {
		return pools.stream()
			.anyMatch((bean) -> ConfigurationPropertyName.adapt(PREFIX + "." + bean, '.').equals(configured));
	}

	/**
	 * A lazy or non-singleton DataSource has not reached the post-processor yet, so its name cannot be
	 * judged now; it is tuned with these keys when it is created.
	 */
	private boolean isNotCreatedYet(String name) {
		return this.beanFactory.containsBean(name) && !this.beanFactory.containsSingleton(name);
	}

	private static String fix(String name, Set<String> pools) {
		if (pools.isEmpty()) {
			return "This application has no HikariDataSource bean; remove " + PREFIX + "." + name + ".*.";
		}
		return "Use the bean name of a pool (" + String.join(", ", pools) + ") instead of '" + name
				+ "', or remove " + PREFIX + "." + name + ".*.";
	}

}
