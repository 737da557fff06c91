package dev.poolwise.autoconfigure;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import com.zaxxer.hikari.HikariDataSource;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.SmartInitializingSingleton;

import dev.poolwise.login.DriverAdvisories;
import dev.poolwise.login.LoginSwitches;
import dev.poolwise.tuned.TunedPool;
import dev.poolwise.tuned.TunedPools;

/**
 * Says once, at startup, when the pgjdbc driver on the classpath has a flaw that weakens a login switch the
 * pools use, naming the pools, the flaws and the release that fixes them all.
 */
class DriverAdvisoryCheck implements SmartInitializingSingleton {

	private static final Log logger = LogFactory.getLog(DriverAdvisoryCheck.class);

	private final TunedPools pools;

	private final Supplier<@Nullable String> version;

	/**
	 * @param pools the pools this context tuned
	 * @param version the driver's version, or null when it cannot be read
	 */
	DriverAdvisoryCheck(TunedPools pools, Supplier<@Nullable String> version) {
		this.pools = pools;
		this.version = version;
	}

	@Override
	public void afterSingletonsInstantiated() {
		String version = this.version.get();
		if (version == null) {
			return;
		}
		Map<String, List<String>> flaws = new LinkedHashMap<>();
		for (TunedPool pool : this.pools.all()) {
			HikariDataSource dataSource = pool.dataSource();
			LoginSwitches switches = LoginSwitches.of(dataSource.getJdbcUrl(), dataSource.getDataSourceProperties());
			for (String flaw : DriverAdvisories.applicable(version, switches)) {
				flaws.computeIfAbsent(flaw, (key) -> new ArrayList<>()).add(pool.beanName());
			}
		}
		if (flaws.isEmpty()) {
			return;
		}
		List<String> parts = new ArrayList<>();
		flaws.forEach((flaw, names) -> parts.add(flaw + " (pool '" + String.join("', pool '", names) + "')"));
		String message = "Poolwise: the PostgreSQL JDBC driver on the classpath is " + version
				+ ", and the login switches of the pools depend on fixes it lacks: " + String.join("; ", parts)
				+ ". Upgrade the driver to " + DriverAdvisories.FIXED + " or later (with Spring Boot's dependency "
				+ "management, the postgresql.version property).";
		logger.warn(message);
	}

}
