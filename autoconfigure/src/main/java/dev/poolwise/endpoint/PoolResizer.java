package dev.poolwise.endpoint;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.zaxxer.hikari.HikariConfigMXBean;
import com.zaxxer.hikari.HikariDataSource;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.poolwise.autoconfigure.PoolwiseProperties;
import dev.poolwise.autoconfigure.TunedPool;
import dev.poolwise.budget.ConnectionBudget;
import dev.poolwise.endpoint.ResizeDescriptor.Outcome;
import dev.poolwise.validation.SizeRules;
import dev.poolwise.validation.Violation;
import dev.poolwise.validation.Violations;

/**
 * Changes a running pool's size and overflow through Hikari's configuration MXBean, which applies them to
 * the live pool: it opens connections up to the new size at once and retires surplus ones as they are
 * returned and idle. The numbers pass the same rules as at startup; exceeding the connection budget only
 * warns, as it does at startup unless enforced.
 */
final class PoolResizer {

	private static final Log logger = LogFactory.getLog(PoolResizer.class);

	private PoolResizer() {
	}

	static ResizeDescriptor resize(TunedPool pool, Integer size, Integer overflow) {
		PoolwiseProperties properties = pool.properties();
		if (!properties.getEndpoint().isResizeEnabled()) {
			return ResizeDescriptor.rejected(pool.beanName(), Outcome.REFUSED,
					"Resizing pools at runtime is disabled: set db.pool.endpoint.resize-enabled=true to allow it, "
							+ "and allow only operators to write to /actuator/dbpool.",
					null);
		}
		HikariDataSource dataSource = pool.dataSource();
		int oldSize = dataSource.getMinimumIdle();
		int oldMax = dataSource.getMaximumPoolSize();
		int newSize = (size != null) ? size : oldSize;
		int newOverflow = (overflow != null) ? overflow : oldMax - oldSize;
		Violations violations = new Violations();
		SizeRules.check("size", newSize, "overflow", newOverflow, properties.getSizing().getLimit(), violations);
		if (!violations.isEmpty()) {
			List<Violation> found = violations.list();
			return ResizeDescriptor.rejected(pool.beanName(), Outcome.INVALID,
					found.stream().map(Violation::describe).collect(Collectors.joining(" ")), found);
		}
		int newMax = newSize + newOverflow;
		apply(dataSource.getHikariConfigMXBean(), newSize, newMax);
		String message = "Pool '" + pool.beanName() + "' resized at runtime from size=" + oldSize + ", overflow="
				+ (oldMax - oldSize) + " to size=" + newSize + ", overflow=" + newOverflow + " (max " + newMax + ")";
		logger.info("Poolwise: " + message);
		return new ResizeDescriptor(pool.beanName(), Outcome.APPLIED, message + ".", counts(oldSize, oldMax),
				counts(newSize, newMax), null, budgetWarnings(pool.budget(), properties.getInstances(), newMax));
	}

	/**
	 * Hikari keeps minimumIdle at most maximumPoolSize, so the bound that makes room changes first.
	 */
	private static void apply(HikariConfigMXBean config, int size, int max) {
		if (max >= config.getMaximumPoolSize()) {
			config.setMaximumPoolSize(max);
			config.setMinimumIdle(size);
		}
		else {
			config.setMinimumIdle(size);
			config.setMaximumPoolSize(max);
		}
	}

	private static Map<String, Integer> counts(int size, int max) {
		Map<String, Integer> counts = new LinkedHashMap<>();
		counts.put("size", size);
		counts.put("overflow", max - size);
		counts.put("max", max);
		return counts;
	}

	private static List<String> budgetWarnings(ConnectionBudget budget, int instances, int max) {
		List<String> warnings = new ArrayList<>();
		if (!budget.fits(instances, max)) {
			warnings.add(instances + " instance(s) x " + max + " connections exceed the connection budget measured "
					+ "at startup (" + budget.explain() + "); the server may refuse new connections.");
		}
		return warnings;
	}

}
