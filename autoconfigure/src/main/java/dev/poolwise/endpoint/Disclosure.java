package dev.poolwise.endpoint;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.Sanitizer;

import dev.poolwise.pool.Redaction;
import dev.poolwise.registry.PoolTarget;

/**
 * What one caller of the endpoint may see of values, by Spring Boot's rules for the {@code env} endpoint:
 * unless {@code show-values} allows the caller, every value is {@code ******}; where it does, the application's
 * {@code SanitizingFunction} beans may still hide some. Values here are session setting values, query texts,
 * thread stacks, role names and what the server quotes in its messages, and other applications' names.
 *
 * @param sanitizer Spring Boot's sanitizer with the application's sanitizing functions
 * @param shown whether the caller may see values
 */
record Disclosure(Sanitizer sanitizer, boolean shown) {

	/** What stands in for a hidden value, as in Spring Boot's sanitizer. */
	static final String HIDDEN = SanitizableData.SANITIZED_VALUE;

	/**
	 * A configured value, as the {@code env} endpoint would show it.
	 * @param property the property that set it, e.g. {@code db.pool.session.settings.[app.api-key]}
	 * @param value the value
	 * @return the value, or {@code ******}
	 */
	Object value(String property, Object value) {
		Object sanitized = this.sanitizer.sanitize(new SanitizableData(null, property, value), this.shown);
		return (sanitized != null) ? sanitized : HIDDEN;
	}

	/**
	 * A message that may quote the server: its names and values hidden unless values are shown.
	 * @param message the message, already redacted of the pool's password and URL, or null
	 * @return the message, or null
	 */
	@Nullable String message(@Nullable String message) {
		return (message == null || this.shown) ? message : Redaction.quotedValues(message);
	}

	/**
	 * A text that is a value as a whole, such as a query text.
	 * @param text the text, or null
	 * @return the text, or {@code ******}
	 */
	@Nullable String text(@Nullable String text) {
		return (text == null || this.shown) ? text : HIDDEN;
	}

	/**
	 * Where a pool connects, its role hidden unless values are shown.
	 * @param target the target
	 * @return e.g. {@code ******@db.example.com:5432/orders}
	 */
	String target(PoolTarget target) {
		return this.shown ? target.toString()
				: new PoolTarget(target.server(), target.database(), HIDDEN).toString();
	}

}
