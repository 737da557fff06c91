package dev.poolwise.autoconfigure.web;

import java.nio.charset.StandardCharsets;
import java.util.Iterator;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.context.annotation.Bean;
import org.springframework.util.function.SingletonSupplier;
import org.springframework.web.filter.OncePerRequestFilter;

import dev.poolwise.autoconfigure.PoolwiseAutoConfiguration;
import dev.poolwise.autoconfigure.PoolwiseProperties;
import dev.poolwise.autoconfigure.ReplicaProperties;
import dev.poolwise.replica.ConsistencyTokens;
import dev.poolwise.replica.ReplicaSet;
import dev.poolwise.replica.ReplicaSets;
import dev.poolwise.validation.PoolConfigurationException;
import dev.poolwise.validation.Violations;
import dev.poolwise.web.ReadYourWritesFilter;

/**
 * Auto-configuration of read-your-writes across requests in a servlet web application, switched on with
 * {@code db.pool.replicas.consistency.enabled=true}. Startup fails, naming the key, without a secret long
 * enough to sign with, without replicas, or with read-your-writes switched off.
 */
@AutoConfiguration(after = PoolwiseAutoConfiguration.class)
@ConditionalOnWebApplication(type = Type.SERVLET)
@ConditionalOnClass({ OncePerRequestFilter.class, HikariDataSource.class })
@ConditionalOnBooleanProperty(name = "db.pool.enabled", matchIfMissing = true)
@ConditionalOnBooleanProperty("db.pool.replicas.consistency.enabled")
public final class ReadYourWritesWebAutoConfiguration {

	static final int SHORTEST_SECRET = 32;

	private static final String PREFIX = "db.pool.replicas.consistency.";

	@Bean
	@ConditionalOnMissingBean
	ReadYourWritesFilter dbPoolReadYourWritesFilter(PoolwiseProperties poolwise,
			ObjectProvider<ReplicaSets> replicaSets) {
		ReplicaProperties.Consistency properties = poolwise.getReplicas().getConsistency();
		byte[] secret = secret(properties);
		SingletonSupplier<ConsistencyTokens> tokens = SingletonSupplier.of(() -> tokens(replicaSets, secret));
		return new ReadYourWritesFilter(tokens, properties.getCookieName(), properties.getHeaderName());
	}

	/**
	 * The tokens need the replica set, which exists once the DataSource does: checked when every singleton
	 * is, so a context that cannot carry writes across requests does not start.
	 */
	@Bean
	SmartInitializingSingleton dbPoolReadYourWritesCheck(ObjectProvider<DataSource> dataSource,
			ObjectProvider<ReadYourWritesFilter> filter) {
		return () -> {
			dataSource.getIfAvailable();
			ReadYourWritesFilter found = filter.getIfAvailable();
			if (found != null) {
				found.resolveTokens();
			}
		};
	}

	private static byte[] secret(ReplicaProperties.Consistency properties) {
		String secret = properties.getSecret();
		if (secret == null || secret.length() < SHORTEST_SECRET) {
			Violations violations = new Violations();
			violations.add(PREFIX + "secret", (secret == null) ? "(not set)" : "(" + secret.length() + " characters)",
					"must be at least " + SHORTEST_SECRET + " characters to sign read-your-writes tokens, and the same "
							+ "on every instance, so a token from one is honoured by the others",
					"Set " + PREFIX + "secret from a secret store or an environment variable "
							+ "(e.g. ${DB_POOL_CONSISTENCY_SECRET}), e.g. the output of 'openssl rand -base64 48'.");
			throw new PoolConfigurationException(violations.list());
		}
		return secret.getBytes(StandardCharsets.UTF_8);
	}

	private static ConsistencyTokens tokens(ObjectProvider<ReplicaSets> replicaSets, byte[] secret) {
		ReplicaSets sets = replicaSets.getIfAvailable();
		Iterator<ReplicaSet> all = (sets != null) ? sets.all().iterator() : null;
		ConsistencyTokens tokens = (all != null && all.hasNext()) ? ConsistencyTokens.of(all.next(), secret) : null;
		if (tokens == null) {
			Violations violations = new Violations();
			violations.add(PREFIX + "enabled", "true",
					"carries read-your-writes from one request to the next, which needs read replicas "
							+ "(db.pool.replicas.url) with db.pool.replicas.read-your-writes=true",
					"Set db.pool.replicas.url (and leave db.pool.replicas.read-your-writes on), or remove "
							+ PREFIX + "enabled.");
			throw new PoolConfigurationException(violations.list());
		}
		return tokens;
	}

}
