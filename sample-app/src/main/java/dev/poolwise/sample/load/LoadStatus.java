package dev.poolwise.sample.load;

/**
 * The latest load run, as {@code GET /load} reports it.
 *
 * @param running whether any of its threads is still at work
 * @param threads its thread count
 * @param seconds its planned duration
 * @param holdMillis how long each query holds its connection
 * @param started queries started
 * @param completed queries that held their connection and returned
 * @param failed queries that got a connection but failed
 * @param timeouts queries that got no connection within db.pool.timeout
 */
public record LoadStatus(boolean running, int threads, long seconds, long holdMillis, long started, long completed,
		long failed, long timeouts) {

	/**
	 * The status before any run.
	 */
	static final LoadStatus NONE = new LoadStatus(false, 0, 0, 0, 0, 0, 0, 0);

}
