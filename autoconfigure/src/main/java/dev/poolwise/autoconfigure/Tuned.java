package dev.poolwise.autoconfigure;

/**
 * An effective value and where it came from, so the startup log and the endpoint can say why a number
 * is what it is.
 *
 * @param <T> the value type
 * @param value the effective value, null when the feature is off
 * @param source {@code default}, {@code worker-count} or the property that set it
 */
record Tuned<T>(T value, String source) {

	static final String DEFAULT = "default";

	static final String WORKER_COUNT = "worker-count";

}
