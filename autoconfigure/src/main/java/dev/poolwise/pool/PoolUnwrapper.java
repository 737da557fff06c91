package dev.poolwise.pool;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfigMXBean;
import com.zaxxer.hikari.HikariDataSource;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.jdbc.DataSourceUnwrapper;

/**
 * Finds the Hikari pool inside a DataSource bean that wraps it: Spring Boot's lazy connection fetch, an
 * application's {@code LazyConnectionDataSourceProxy} or {@code TransactionAwareDataSourceProxy}, and proxies
 * such as datasource-proxy or p6spy all hand out the same pool behind a wrapper of their own. Spring Boot's
 * {@link DataSourceUnwrapper} follows {@link java.sql.Wrapper#unwrap} and Spring's {@code DelegatingDataSource};
 * neither starts the pool.
 */
public final class PoolUnwrapper {

	private PoolUnwrapper() {
	}

	/**
	 * The Hikari pool a DataSource is or wraps.
	 * @param dataSource a DataSource bean
	 * @return the pool, or null when there is none to be found
	 */
	public static @Nullable HikariDataSource find(DataSource dataSource) {
		if (dataSource instanceof HikariDataSource hikari) {
			return hikari;
		}
		return DataSourceUnwrapper.unwrap(dataSource, HikariConfigMXBean.class, HikariDataSource.class);
	}

	/**
	 * What a DataSource is, for messages: its class, and the wrapped root when it wraps another.
	 * @param dataSource a DataSource bean
	 * @return e.g. {@code LazyConnectionDataSourceProxy wrapping SimpleDriverDataSource}
	 */
	public static String describe(DataSource dataSource) {
		DataSource root = DataSourceUnwrapper.unwrapRoot(dataSource);
		String outer = dataSource.getClass().getName();
		return (root != null && root != dataSource) ? outer + " wrapping " + root.getClass().getName() : outer;
	}

}
