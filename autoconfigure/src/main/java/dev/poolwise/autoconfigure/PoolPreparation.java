package dev.poolwise.autoconfigure;

import java.util.function.Consumer;
import java.util.function.Function;

import com.zaxxer.hikari.HikariDataSource;
import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationContext;

import dev.poolwise.pool.PoolSettings;
import dev.poolwise.registry.JvmPoolRegistry;
import dev.poolwise.startup.PoolTuner;
import dev.poolwise.tls.TlsRotation;
import dev.poolwise.tls.PoolTls;
import dev.poolwise.tuned.TunedPool;
import dev.poolwise.tuned.TunedPools;
import dev.poolwise.tuning.PropertyKeys;
import dev.poolwise.validation.Violations;

/**
 * The one way a pool is prepared, for Spring Boot's primary, an application's own DataSource bean and every
 * read replica alike: its credentials provider and TLS bundle resolved, every problem reported at once with
 * the caller's own checks, then tuned, registered with the context's pools and its bundle watched. A failure
 * part-way closes what was opened (the TLS registration, the rotation, the pool the startup check may have
 * started), so nothing is left behind a failed start.
 */
final class PoolPreparation {

	private final ApplicationContext applicationContext;

	private final TunedPools pools;

	PoolPreparation(ApplicationContext applicationContext, TunedPools pools) {
		this.applicationContext = applicationContext;
		this.pools = pools;
	}

	/**
	 * Prepares and tunes one pool that needs no checks of the caller's own.
	 * @param pool the pool, configured and not started
	 * @param name the pool's bean name
	 * @param settings its settings
	 * @param sources where its keys come from, for messages
	 * @param tuner the tuner, given the resolved TLS material
	 * @return the tuned pool
	 */
	TunedPool prepare(HikariDataSource pool, String name, PoolSettings settings, PropertyKeys sources,
			Function<@Nullable PoolTls, PoolTuner> tuner) {
		return prepare(pool, name, settings, sources, (violations) -> {
		}, tuner);
	}

	/**
	 * Prepares and tunes one pool.
	 * @param pool the pool, configured and not started
	 * @param name the pool's name in messages and the registry: its bean name, or a replica pool's name
	 * @param settings its settings
	 * @param sources where its keys come from, for messages
	 * @param checks the caller's own checks, reported with the others
	 * @param tuner the tuner, given the resolved TLS material
	 * @return the tuned pool
	 * @throws dev.poolwise.validation.PoolConfigurationException listing every problem
	 */
	TunedPool prepare(HikariDataSource pool, String name, PoolSettings settings, PropertyKeys sources,
			Consumer<Violations> checks, Function<@Nullable PoolTls, PoolTuner> tuner) {
		Violations violations = new Violations();
		new CredentialsProviders(this.applicationContext).apply(pool, name, settings.credentialsProvider(), sources,
				violations);
		TlsBundles bundles = new TlsBundles(this.applicationContext);
		PoolTls tls = bundles.resolve(settings.ssl(), name, sources, violations);
		checks.accept(violations);
		if (tls != null && !violations.isEmpty()) {
			tls.close();
		}
		violations.throwIfAny();
		TunedPool tuned;
		try {
			tuned = tuner.apply(tls).tune(pool, name, PoolwiseDataSourceBeanPostProcessor.owner(this.applicationContext));
		}
		catch (RuntimeException ex) {
			if (tls != null) {
				tls.close();
			}
			closeFailed(pool);
			throw ex;
		}
		try {
			this.pools.add(tuned);
			bundles.watch(tuned);
		}
		catch (RuntimeException ex) {
			TlsRotation rotation = tuned.rotation();
			if (rotation != null) {
				rotation.close();
			}
			closeFailed(pool);
			throw ex;
		}
		return tuned;
	}

	/**
	 * Closes a pool whose bean failed: Spring destroys only beans that were created, and the startup check
	 * may have started the pool already.
	 */
	static void closeFailed(HikariDataSource pool) {
		JvmPoolRegistry.get().deregister(pool);
		pool.close();
	}

}
