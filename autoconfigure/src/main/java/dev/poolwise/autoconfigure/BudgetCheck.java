package dev.poolwise.autoconfigure;

import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.poolwise.budget.ConnectionBudget;
import dev.poolwise.registry.LivePool;
import dev.poolwise.validation.Violations;

/**
 * Checks a new pool, together with every live pool of this JVM on the same server, against the server's
 * connection budget, for all replicas of the application. Connections those pools already hold are
 * counted through their maximum, not twice.
 */
final class BudgetCheck {

	private static final Log logger = LogFactory.getLog(BudgetCheck.class);

	private final ConnectionBudget budget;

	private final List<LivePool> others;

	private final PoolwiseProperties properties;

	private final PropertyKeys keys;

	BudgetCheck(ConnectionBudget serverBudget, List<LivePool> others, PoolwiseProperties properties,
			PropertyKeys keys) {
		this.others = others;
		this.properties = properties;
		this.keys = keys;
		this.budget = serverBudget.excluding(others.stream().mapToInt(LivePool::openConnections).sum());
	}

	void check(LivePool pool, PoolTuning tuning, Violations violations) {
		int instances = this.properties.getInstances();
		int othersMax = this.others.stream().mapToInt(LivePool::maxPoolSize).sum();
		int perInstance = tuning.maxPoolSize() + othersMax;
		if (this.budget.fits(instances, perInstance)) {
			return;
		}
		int room = this.budget.maxPoolSizePerInstance(instances) - othersMax;
		String pools = this.others.isEmpty() ? "" : " (pool '" + pool.name() + "' with " + tuning.maxPoolSize()
				+ " plus " + this.others.size() + " other live pool(s) of this JVM with " + othersMax + ")";
		String rule = "connection budget exceeded: " + instances + " instance(s) x " + perInstance + " connections"
				+ pools + " = " + ((long) instances * perInstance) + ", but the server has " + this.budget.explain();
		String sizeKey = key(tuning.size(), "size");
		String overflowKey = key(tuning.overflow(), "overflow");
		String fix = (room < 1) ? "Run fewer instances or pools, or raise max_connections (or put PgBouncer in front)."
				: "Keep size + overflow of '" + pool.name() + "' at or below " + room + " per instance, e.g. "
						+ example(sizeKey, overflowKey, tuning.size().value(), room) + ", or raise max_connections.";
		if (this.properties.getBudget().isEnforce()) {
			violations.add(sizeKey + " + " + overflowKey, tuning.maxPoolSize(), rule, fix);
		}
		else {
			logger.warn("Poolwise " + rule + ". " + fix + " (db.pool.budget.enforce=true fails startup instead)");
		}
	}

	/**
	 * The property that set a number of this pool, so the message points at the key to change, or the key
	 * to add when the number was a default or derived from worker-count.
	 */
	private String key(Tuned<Integer> tuned, String key) {
		String source = tuned.source();
		return (source.equals(Tuned.DEFAULT) || source.equals(Tuned.WORKER_COUNT)) ? this.keys.suggested(key)
				: source;
	}

	/**
	 * Values that fit, for whichever keys set the pool: Hikari's maximum-pool-size is the whole pool, where
	 * db.pool's overflow is the part above size.
	 */
	private static String example(String sizeKey, String overflowKey, int size, int room) {
		int fittingSize = Math.min(size, room);
		int fittingOverflow = overflowKey.endsWith("maximum-pool-size") ? room : room - fittingSize;
		return sizeKey + "=" + fittingSize + " and " + overflowKey + "=" + fittingOverflow;
	}

}
