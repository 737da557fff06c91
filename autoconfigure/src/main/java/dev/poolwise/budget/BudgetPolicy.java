package dev.poolwise.budget;

/**
 * What one pool's configuration says about its connection budget, with the keys that say it, so every
 * message about the budget names the key that sets it for that pool, whoever judges it.
 *
 * @param instances db.pool.instances: replicas of the application sharing the server
 * @param enforce db.pool.budget.enforce: whether a pool over the budget is an error rather than a warning
 * @param instancesKey the property that sets {@code instances} for the pool, e.g. {@code db.pool.instances}
 * @param enforceKey the property that sets {@code enforce} for the pool, e.g. {@code db.pool.budget.enforce}
 */
public record BudgetPolicy(int instances, boolean enforce, String instancesKey, String enforceKey) {

	/**
	 * The instances to judge the budget by.
	 * @param counted instances counted on the server, this one included, or 0 when not counted
	 * @return the configured number and the counted one
	 */
	Instances instances(int counted) {
		return new Instances(this.instances, counted, this.instancesKey);
	}

}
