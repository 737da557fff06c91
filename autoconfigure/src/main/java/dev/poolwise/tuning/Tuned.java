package dev.poolwise.tuning;

/**
 * An effective value and where it came from, so the startup log and the endpoint can say why a number
 * is what it is.
 *
 * @param <T> the value type
 * @param value the effective value, null when the feature is off
 * @param source {@code default}, {@code worker-count} or the property that set it
 */
public record Tuned<T>(T value, String source) {

	/** Source of a value nobody configured. */
	public static final String DEFAULT = "default";

	/** Source of a value derived from db.pool.worker-count. */
	public static final String WORKER_COUNT = "worker-count";

}
