package dev.poolwise.pool;

import com.zaxxer.hikari.HikariCredentialsProvider;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.util.Credentials;

/**
 * The user and password a pool logs in with now: its {@link HikariCredentialsProvider}'s when it has one,
 * as Hikari asks it for each new connection, else the configured ones. Everything that logs in beside the
 * pool, or names its role, asks here, so a rotated secret is never replaced by a stale
 * {@code spring.datasource.password}.
 */
public final class PoolCredentials {

	private PoolCredentials() {
	}

	/**
	 * The credentials of the pool's next connection.
	 * @param pool the pool
	 * @return the provider's credentials, or the configured user and password (either may be null)
	 */
	public static Credentials of(HikariDataSource pool) {
		HikariCredentialsProvider provider = pool.getCredentialsProvider();
		Credentials credentials = (provider != null) ? provider.getCredentials() : null;
		return (credentials != null) ? credentials : Credentials.of(pool.getUsername(), pool.getPassword());
	}

}
