package dev.poolwise.sizing;

/**
 * Derives pool bounds from the number of concurrent workers. A pool much smaller than the worker count
 * queues callers; one as large as it overloads PostgreSQL, whose throughput peaks at a few connections
 * per core. The defaults keep a tenth of the workers permanently connected and let bursts reach half.
 *
 * @param minRatio fraction of workers kept as permanent connections
 * @param maxRatio fraction of workers allowed as the pool maximum
 * @param minFloor lower clamp of the permanent connections
 * @param minCeiling upper clamp of the permanent connections
 * @param maxFloor lower clamp of the maximum
 * @param maxCeiling upper clamp of the maximum
 */
public record WorkerCountSizing(double minRatio, double maxRatio, int minFloor, int minCeiling, int maxFloor,
		int maxCeiling) {

	/**
	 * The documented default formula: {@code min = clamp(round(w × 0.1), 2, 5)},
	 * {@code max = clamp(round(w × 0.5), 10, 20)}.
	 */
	public static final WorkerCountSizing DEFAULT = new WorkerCountSizing(0.1, 0.5, 2, 5, 10, 20);

	/**
	 * Pool bounds for the given number of workers.
	 * @param workers concurrent workers, at least 1
	 * @return permanent connections and maximum, with {@code max >= min}
	 */
	public PoolSize size(int workers) {
		int min = clamp(Math.round(workers * this.minRatio), this.minFloor, this.minCeiling);
		int max = clamp(Math.round(workers * this.maxRatio), this.maxFloor, this.maxCeiling);
		return new PoolSize(min, Math.max(min, max));
	}

	private static int clamp(long value, int floor, int ceiling) {
		return (int) Math.max(floor, Math.min(ceiling, value));
	}

	/**
	 * Permanent connections and pool maximum.
	 *
	 * @param min permanent connections
	 * @param max maximum connections
	 */
	public record PoolSize(int min, int max) {

		/**
		 * Connections allowed above the permanent ones.
		 * @return {@code max - min}
		 */
		public int overflow() {
			return this.max - this.min;
		}

	}

}
