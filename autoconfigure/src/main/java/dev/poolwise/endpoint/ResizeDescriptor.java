package dev.poolwise.endpoint;

import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.OperationResponseBody;

import dev.poolwise.validation.Violation;

/**
 * The answer to a resize request.
 *
 * @param pool the pool's bean name
 * @param outcome what happened
 * @param message one sentence saying so
 * @param previous size, overflow and max before, when applied
 * @param current size, overflow and max now, when applied
 * @param violations every rule the request broke, when invalid
 * @param warnings concerns that did not stop the resize, such as the connection budget
 * @param autosize what the pool's autosize controller does after the resize, null when it has none
 */
public record ResizeDescriptor(String pool, Outcome outcome, String message, @Nullable Map<String, Integer> previous,
		@Nullable Map<String, Integer> current, @Nullable List<Violation> violations, @Nullable List<String> warnings,
		@Nullable String autosize) implements OperationResponseBody {

	static ResizeDescriptor rejected(String pool, Outcome outcome, String message,
			@Nullable List<Violation> violations) {
		return new ResizeDescriptor(pool, outcome, message, null, null, violations, null, null);
	}

	/**
	 * What a resize request came to.
	 */
	public enum Outcome {

		/** The pool has the new size. */
		APPLIED,

		/**
		 * Resizing at runtime is not enabled for the pool, or roles are configured and the user holds none.
		 */
		REFUSED,

		/** The numbers break a rule; nothing changed. */
		INVALID,

		/** No tuned pool has that name. */
		UNKNOWN_POOL

	}

}
