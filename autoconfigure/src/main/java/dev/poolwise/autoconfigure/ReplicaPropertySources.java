package dev.poolwise.autoconfigure;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.core.env.Environment;

import dev.poolwise.pool.PoolSettings;
import dev.poolwise.tuning.PropertyKeys;

/**
 * One replica pool's view of the environment: {@code db.pool.*}, then the primary's own
 * {@code db.pool.datasources.<bean>.*} (its TLS, session settings and timeouts reach its replicas), then
 * {@code db.pool.replicas.*}, then {@code db.pool.replicas.hosts.<name>.*}, each on top of the one before, so a
 * replica pool takes every pool key with the same defaults and validation as the primary's, and messages name
 * the key that set a value. The one exception is {@code timeout}: a replica pool waits
 * {@link #DEFAULT_TIMEOUT} for a connection unless {@code db.pool.replicas.timeout} or a host's says
 * otherwise, since a read that finds its replica busy moves on to the next replica or the primary rather than
 * wait the primary's timeout.
 */
final class ReplicaPropertySources implements PropertyKeys {

	static final String REPLICAS = "db.pool.replicas";

	/**
	 * How long a replica pool's caller waits for a connection before the read moves on.
	 */
	static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1);

	private static final String TIMEOUT = "timeout";

	private static final ConfigurationPropertyName POOL = ConfigurationPropertyName.of("db.pool");

	private static final ConfigurationPropertyName ALL = ConfigurationPropertyName.of(REPLICAS);

	private final Environment environment;

	private final ConfigurationPropertyName primary;

	private final String primaryKey;

	private final ConfigurationPropertyName own;

	private final String ownKey;

	/**
	 * @param environment the application's environment
	 * @param beanName the primary's DataSource bean name
	 * @param name the replica's name
	 */
	ReplicaPropertySources(Environment environment, String beanName, String name) {
		this.environment = environment;
		this.primaryKey = "db.pool.datasources." + beanName;
		this.primary = ConfigurationPropertyName.adapt(this.primaryKey, '.');
		this.own = ALL.append("hosts").append("[" + name + "]");
		this.ownKey = REPLICAS + ".hosts[" + name + "]";
	}

	/**
	 * Binds the levels onto one instance. A replica that is not required starts without its server, whatever
	 * {@code lazy-start} says (a key replica pools refuse).
	 * @param required whether startup fails when the replica is unreachable
	 * @return the replica pool's settings
	 */
	PoolSettings bind(boolean required) {
		Binder binder = Binder.get(this.environment);
		PoolProperties merged = binder.bind(POOL, Bindable.of(PoolProperties.class)).orElseGet(PoolProperties::new);
		binder.bind(this.primary, Bindable.of(PoolProperties.class).withExistingValue(merged));
		merged.setTimeout(DEFAULT_TIMEOUT);
		binder.bind(ALL, Bindable.of(PoolProperties.class).withExistingValue(merged));
		binder.bind(this.own, Bindable.of(PoolProperties.class).withExistingValue(merged));
		merged.setLazyStart(merged.isLazyStart() || !required);
		return merged.toSettings();
	}

	@Override
	public @Nullable String explicit(String key) {
		if (PoolPropertySources.isSet(this.environment, this.own.append(key))) {
			return this.ownKey + "." + key;
		}
		if (PoolPropertySources.isSet(this.environment, ALL.append(key))) {
			return REPLICAS + "." + key;
		}
		if (key.equals(TIMEOUT)) {
			return null;
		}
		if (PoolPropertySources.isSet(this.environment, this.primary.append(key))) {
			return this.primaryKey + "." + key;
		}
		return PoolPropertySources.isSet(this.environment, POOL.append(key)) ? "db.pool." + key : null;
	}

	@Override
	public String suggested(String key) {
		String explicit = explicit(key);
		return (explicit != null) ? explicit : REPLICAS + "." + key;
	}

	@Override
	public boolean isHikariSet(String key) {
		return false;
	}

}
