package dev.poolwise.failover;

import java.time.Duration;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.SQLExceptionOverride;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.postgresql.Driver;

/**
 * Installs {@link ReadOnlyEviction} on a pool before it starts. A pool meant for a standby (Hikari's
 * {@code readOnly}, or pgjdbc's {@code targetServerType} naming a secondary) is left alone: there
 * {@code 25006} is a write sent to the wrong pool, not a failover. An override the application set is kept
 * and asked first.
 */
public final class FailoverEviction {

	/**
	 * Long enough for every connection open at an eviction to be marked, short enough that a second failover
	 * soon after is followed too.
	 */
	static final Duration QUIET_PERIOD = Duration.ofSeconds(1);

	private static final Log logger = LogFactory.getLog(FailoverEviction.class);

	private static final Set<String> STANDBY_TARGETS = Set.of("secondary", "standby", "prefersecondary",
			"preferstandby");

	private FailoverEviction() {
	}

	/**
	 * Makes the pool follow the primary, unless it is meant for a standby.
	 * @param dataSource a pool that has not started
	 */
	public static void install(HikariDataSource dataSource) {
		String poolName = dataSource.getPoolName();
		if (isForStandby(dataSource)) {
			logger.debug("Pool '" + poolName + "' reads from a standby; connections are not evicted on SQLSTATE 25006");
			return;
		}
		SQLExceptionOverride application = dataSource.getExceptionOverride();
		if (application instanceof ReadOnlyEviction) {
			return;
		}
		if (application != null) {
			logger.info("Pool '" + poolName + "': the application's exception override "
					+ application.getClass().getName() + " decides first; where it leaves the verdict to Hikari, "
					+ "Poolwise evicts connections on read-only servers (SQLSTATE 25006)");
		}
		PoolEviction eviction = new PoolEviction(poolName, dataSource::getHikariPoolMXBean, QUIET_PERIOD);
		dataSource.setExceptionOverride(new ReadOnlyEviction(application, eviction::evict));
	}

	static boolean isForStandby(HikariDataSource dataSource) {
		if (dataSource.isReadOnly()) {
			return true;
		}
		Properties url = Driver.parseURL(dataSource.getJdbcUrl(), dataSource.getDataSourceProperties());
		String target = (url != null) ? url.getProperty("targetServerType") : null;
		return target != null && STANDBY_TARGETS.contains(target.toLowerCase(Locale.ROOT));
	}

}
