package dev.poolwise.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.ConfigurationPropertyState;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.env.Environment;

import dev.poolwise.pool.PoolSettings;
import dev.poolwise.tuning.PropertyKeys;

/**
 * One pool's view of the environment: {@code db.pool.*} with its own {@code db.pool.datasources.<bean>.*}
 * on top, and which keys are set explicitly (relaxed names and environment variables included), so that
 * defaults can be told from choices.
 */
final class PoolPropertySources implements PropertyKeys {

	private static final ConfigurationPropertyName PREFIX = ConfigurationPropertyName.of("db.pool");

	private final Environment environment;

	private final String beanName;

	private final ConfigurationPropertyName ownPrefix;

	private final boolean bootPool;

	/**
	 * @param environment the application's environment
	 * @param beanName the pool's DataSource bean name
	 * @param bootPool whether Spring Boot created the pool, so {@code spring.datasource.hikari} applies to it
	 */
	PoolPropertySources(Environment environment, String beanName, boolean bootPool) {
		this.environment = environment;
		this.beanName = beanName;
		this.ownPrefix = ConfigurationPropertyName.adapt("db.pool.datasources." + beanName, '.');
		this.bootPool = bootPool;
	}

	/**
	 * Binds {@code db.pool}, then this pool's overrides onto the same instance, as the per-pool type, so
	 * {@code db.pool.datasources} is never bound into a pool.
	 * @return the pool's settings
	 */
	PoolSettings bind() {
		Binder binder = Binder.get(this.environment);
		PoolProperties merged = binder.bind(PREFIX, Bindable.of(PoolProperties.class)).orElseGet(PoolProperties::new);
		binder.bind(this.ownPrefix, Bindable.of(PoolProperties.class).withExistingValue(merged));
		return merged.toSettings();
	}

	/**
	 * Whether anything configures this pool: {@code db.pool.*} for Boot's pool, its own keys for others.
	 * @return true if configured
	 */
	boolean isConfigured() {
		return isSet(this.bootPool ? PREFIX : this.ownPrefix);
	}

	/**
	 * Whether any key would change this pool if it could be tuned: {@code db.pool.*} applies to every Hikari
	 * pool, its own keys on top.
	 * @return true if configured
	 */
	boolean isTuning() {
		return isSet(PREFIX);
	}

	/**
	 * Whether this pool has keys of its own under {@code db.pool.datasources.<bean>}.
	 * @return true if any is set
	 */
	boolean hasOwnKeys() {
		return isSet(this.ownPrefix);
	}

	/**
	 * The keys that configure this pool, for a message about the pool as a whole.
	 * @return {@code db.pool.datasources.<bean>.*} when the pool has keys of its own, else {@code db.pool.*}
	 */
	String configuredKeys() {
		return (hasOwnKeys() || !this.bootPool) ? "db.pool.datasources." + this.beanName + ".*" : "db.pool.*";
	}

	@Override
	public @Nullable String explicit(String key) {
		if (isSet(this.ownPrefix.append(key))) {
			return "db.pool.datasources." + this.beanName + "." + key;
		}
		return isSet(PREFIX.append(key)) ? "db.pool." + key : null;
	}

	@Override
	public String suggested(String key) {
		String explicit = explicit(key);
		if (explicit != null) {
			return explicit;
		}
		return this.bootPool ? "db.pool." + key : "db.pool.datasources." + this.beanName + "." + key;
	}

	@Override
	public boolean isHikariSet(String key) {
		return this.bootPool && isSet(ConfigurationPropertyName.of("spring.datasource.hikari." + key));
	}

	private boolean isSet(ConfigurationPropertyName name) {
		return isSet(this.environment, name);
	}

	/**
	 * Every property set below a name, with its value as written, the first property source that sets a name
	 * winning as it does in binding. Only sources that can list their names are read (not random values).
	 * @param environment the environment
	 * @param prefix e.g. {@code db.pool}
	 * @return the properties by name, in the order found
	 */
	static Map<ConfigurationPropertyName, ConfigurationProperty> setUnder(Environment environment,
			ConfigurationPropertyName prefix) {
		Map<ConfigurationPropertyName, ConfigurationProperty> set = new LinkedHashMap<>();
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
			if (source instanceof IterableConfigurationPropertySource iterable) {
				iterable.filter(prefix::isAncestorOf).forEach((name) -> {
					ConfigurationProperty property = iterable.getConfigurationProperty(name);
					if (property != null) {
						set.putIfAbsent(name, property);
					}
				});
			}
		}
		return set;
	}

	/**
	 * Whether a property, or any below it, is set in the environment.
	 * @param environment the environment
	 * @param name the property
	 * @return true if set
	 */
	static boolean isSet(Environment environment, ConfigurationPropertyName name) {
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
			if (source.getConfigurationProperty(name) != null
					|| source.containsDescendantOf(name) == ConfigurationPropertyState.PRESENT) {
				return true;
			}
		}
		return false;
	}

}
