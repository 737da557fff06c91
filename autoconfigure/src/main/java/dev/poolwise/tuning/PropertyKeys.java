package dev.poolwise.tuning;

import org.jspecify.annotations.Nullable;

/**
 * Which properties a pool's configuration sets explicitly, so the resolver can tell a default from a
 * choice and name the exact key in messages.
 */
public interface PropertyKeys {

	/**
	 * The property that explicitly sets a {@code db.pool} key for this pool.
	 * @param key the key relative to {@code db.pool}, e.g. {@code size}
	 * @return {@code db.pool.datasources.<bean>.size}, {@code db.pool.size}, or null when neither is set
	 */
	@Nullable String explicit(String key);

	/**
	 * The property to suggest for a {@code db.pool} key of this pool: the one that sets it, else the pool's
	 * own {@code db.pool.datasources.<bean>} key for a pool Spring Boot did not create (a {@code db.pool} key
	 * would change every pool), else {@code db.pool.<key>}.
	 * @param key the key relative to {@code db.pool}, e.g. {@code size}
	 * @return the property name
	 */
	String suggested(String key);

	/**
	 * Whether a {@code spring.datasource.hikari} key is set for this pool.
	 * @param key the key relative to {@code spring.datasource.hikari}, e.g. {@code minimum-idle}
	 * @return true if set
	 */
	boolean isHikariSet(String key);

}
