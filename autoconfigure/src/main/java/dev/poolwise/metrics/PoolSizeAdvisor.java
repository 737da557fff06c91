package dev.poolwise.metrics;

import org.jspecify.annotations.Nullable;

/**
 * Source of the current size recommendation for a pool. An interface of its own so the endpoint can show
 * recommendations without depending on Micrometer, which measures the load behind them.
 */
@FunctionalInterface
public interface PoolSizeAdvisor {

	/**
	 * The recommendation for the last complete measurement window.
	 * @param poolName the Hikari pool name
	 * @return the recommendation, or null if the load has not been measured (yet)
	 */
	@Nullable PoolSizeRecommendation recommend(String poolName);

}
