package dev.poolwise.validation;

import java.time.Duration;

/**
 * One configuration problem, in the words a user needs to fix it.
 *
 * @param property the property at fault, as the user writes it
 * @param value the value that was given, never a secret
 * @param rule what the value breaks
 * @param fix what to write instead
 */
public record Violation(String property, Object value, String rule, String fix) {

	/**
	 * One sentence naming the property, the value and the rule.
	 * @return the description
	 */
	public String describe() {
		Object shown = (this.value instanceof Duration duration) ? Durations.format(duration) : this.value;
		return this.property + "=" + shown + " is invalid: " + this.rule + ".";
	}

}
