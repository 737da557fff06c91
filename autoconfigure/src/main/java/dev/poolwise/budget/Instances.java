package dev.poolwise.budget;

/**
 * How many instances of the application share the server: the number configured and the number counted
 * on the server, the larger of which the budget is judged by, since a forgotten {@code db.pool.instances}
 * must not hide a fleet that grew.
 *
 * @param configured db.pool.instances
 * @param counted instances seen on the server, this one included, 0 when not counted
 * @param configuredKey the property that sets {@code configured}, for messages
 */
public record Instances(int configured, int counted, String configuredKey) {

	/**
	 * The number the budget is judged by.
	 * @return the larger of the two
	 */
	public int effective() {
		return Math.max(this.configured, this.counted);
	}

	/**
	 * Whether the count on the server is what the budget is judged by.
	 * @return true when more instances were counted than configured
	 */
	public boolean isCounted() {
		return this.counted > this.configured;
	}

	/**
	 * The number and where it came from, for messages.
	 * @return e.g. {@code 3 instance(s) (counted on the server; db.pool.instances=1)} or {@code 2 instance(s)}
	 */
	public String describe() {
		return isCounted() ? this.counted + " instance(s) (counted on the server; " + this.configuredKey + "="
				+ this.configured + ")" : this.configured + " instance(s)";
	}

}
