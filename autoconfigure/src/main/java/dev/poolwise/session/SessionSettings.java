package dev.poolwise.session;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import dev.poolwise.validation.Violations;

/**
 * The validated session settings of a pool and their delivery in the connection's startup packet. Names
 * are checked against PostgreSQL's identifier rules and values may not carry control characters, so
 * nothing configured can become a second setting or a statement.
 */
public final class SessionSettings {

	private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_$]*(\\.[a-z_][a-z0-9_$]*)?");

	/**
	 * Names PostgreSQL would take as a custom setting but Poolwise refuses: one dot is enough for a custom
	 * setting, and several usually mean an environment variable turned a name's underscores into dots.
	 */
	private static final Pattern SEVERAL_DOTS = Pattern.compile("[a-z_][a-z0-9_$]*(\\.[a-z_][a-z0-9_$]*){2,}");

	private static final Map<String, String> REFUSED = Map.of("role",
			"it would run the application under another role; grant the privileges to the connecting user instead",
			"session_authorization", "it would run the application as another user; connect as that user instead",
			"client_encoding", "pgjdbc requires UTF8 and fails on any other encoding",
			"datestyle", "pgjdbc parses dates in ISO format and fails on any other DateStyle",
			"standard_conforming_strings", "pgjdbc relies on it to escape string literals",
			"timezone", "pgjdbc sends the JVM's time zone as TimeZone in the startup packet, which overrides it; "
					+ "start the JVM with -Duser.timezone=<zone> instead",
			"application_name", "it has its own property; set db.pool.application-name instead");

	private static final Set<String> FIRST_CLASS = Set.of("statement_timeout", "lock_timeout",
			"idle_in_transaction_session_timeout");

	private final String prefix;

	private final List<SessionSetting> settings;

	private SessionSettings(String prefix, List<SessionSetting> settings) {
		this.prefix = prefix;
		this.settings = List.copyOf(settings);
	}

	/**
	 * Validates configured settings.
	 * @param prefix property prefix of the session group, e.g. {@code db.pool.session}
	 * @param statementTimeout statement_timeout or null
	 * @param lockTimeout lock_timeout or null
	 * @param idleInTransactionTimeout idle_in_transaction_session_timeout or null
	 * @param others other settings keyed as configured ({@code work-mem})
	 * @param violations where problems are recorded
	 * @return the settings that passed validation
	 */
	public static SessionSettings of(String prefix, @Nullable Duration statementTimeout,
			@Nullable Duration lockTimeout, @Nullable Duration idleInTransactionTimeout, Map<String, String> others,
			Violations violations) {
		Map<String, SessionSetting> byName = new LinkedHashMap<>();
		addTimeout(byName, prefix + ".statement-timeout", "statement_timeout", statementTimeout, violations);
		addTimeout(byName, prefix + ".lock-timeout", "lock_timeout", lockTimeout, violations);
		addTimeout(byName, prefix + ".idle-in-transaction-timeout", "idle_in_transaction_session_timeout",
				idleInTransactionTimeout, violations);
		others.forEach((key, value) -> {
			String property = prefix + ".settings." + (key.matches("[a-z0-9-]+") ? key : "[" + key + "]");
			String name = key.replace('-', '_').toLowerCase(Locale.ROOT);
			if (SEVERAL_DOTS.matcher(name).matches()) {
				violations.add(property, value,
						"'" + key + "' has more than one dot, while a custom setting takes one (myapp.tenant)",
						EnvironmentVariableKeys.explanation(prefix, name) + " "
								+ EnvironmentVariableKeys.fix(prefix, name, value));
			}
			else if (!NAME.matcher(name).matches()) {
				violations.add(property, value, "'" + key + "' is not a valid PostgreSQL setting name",
						"Use the setting's name with dashes for underscores, e.g. db.pool.session.settings.work-mem");
			}
			else if (REFUSED.containsKey(name)) {
				violations.add(property, value, name + " cannot be set by the pool: " + REFUSED.get(name),
						"Remove " + property + ".");
			}
			else if (FIRST_CLASS.contains(name)) {
				violations.add(property, value, name + " has a first-class property",
						"Set it with " + prefix + "." + firstClassKey(name) + " instead.");
			}
			else if (checkValue(property, value, violations)) {
				byName.put(name, new SessionSetting(name, value, property));
			}
		});
		return new SessionSettings(prefix, new ArrayList<>(byName.values()));
	}

	private static void addTimeout(Map<String, SessionSetting> byName, String property, String name,
			@Nullable Duration value, Violations violations) {
		if (value == null) {
			return;
		}
		if (value.isNegative()) {
			violations.add(property, value, "must not be negative", "Set a positive duration, or 0 to disable it.");
			return;
		}
		byName.put(name, new SessionSetting(name, serverDuration(value), property));
	}

	/**
	 * A duration in PostgreSQL's units (ms, s, min, h), largest whole unit first, as SHOW prints it.
	 */
	private static String serverDuration(Duration value) {
		long millis = value.toMillis();
		if (millis == 0 || millis % 1000 != 0) {
			return millis + "ms";
		}
		long seconds = millis / 1000;
		if (seconds % 3600 == 0) {
			return (seconds / 3600) + "h";
		}
		return (seconds % 60 == 0) ? (seconds / 60) + "min" : seconds + "s";
	}

	/**
	 * The key of a setting that has a first-class property, relative to the session group.
	 * @param name the server's name, e.g. {@code statement_timeout}
	 * @return e.g. {@code statement-timeout}, or null if the setting has none
	 */
	static @Nullable String firstClassKey(String name) {
		if (!FIRST_CLASS.contains(name)) {
			return null;
		}
		return name.equals("idle_in_transaction_session_timeout") ? "idle-in-transaction-timeout"
				: name.replace('_', '-');
	}

	/**
	 * Why the pool refuses to set a setting.
	 * @param name the server's name, e.g. {@code role}
	 * @return the reason, or null if the pool sets it
	 */
	static @Nullable String refusal(String name) {
		return REFUSED.get(name);
	}

	private static boolean checkValue(String property, String value, Violations violations) {
		if (value == null || value.isEmpty()) {
			violations.add(property, "''", "an empty value cannot be delivered",
					"Give a value, or remove " + property + " to keep the server default.");
			return false;
		}
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (Character.isISOControl(c)) {
				violations.add(property, "(value with control character U+" + String.format("%04X", (int) c) + ")",
						"values may not contain newlines, NUL or other control characters",
						"Remove the control character from " + property + ".");
				return false;
			}
		}
		return true;
	}

	/**
	 * Every validated setting, in configuration order.
	 * @return the settings
	 */
	public List<SessionSetting> all() {
		return this.settings;
	}

	public boolean isEmpty() {
		return this.settings.isEmpty();
	}

	/**
	 * Property prefix of the session group these settings came from, for messages that name another key.
	 * @return e.g. {@code db.pool.session}
	 */
	String prefix() {
		return this.prefix;
	}

	/**
	 * The settings as a startup-packet {@code options} value ({@code -c name=value ...}), delivered with the
	 * connection request itself so they cost no extra round trip. The server splits options on unescaped
	 * whitespace and drops the backslash before any character, so escaping whitespace and backslashes
	 * delivers each value verbatim.
	 * @return the options string, empty when there are no settings
	 */
	public String toStartupOptions() {
		StringBuilder options = new StringBuilder();
		for (SessionSetting setting : this.settings) {
			if (!options.isEmpty()) {
				options.append(' ');
			}
			options.append("-c ").append(setting.name()).append('=').append(escape(setting.value()));
		}
		return options.toString();
	}

	private static String escape(String value) {
		StringBuilder escaped = new StringBuilder(value.length() + 8);
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (c == '\\' || Character.isWhitespace(c)) {
				escaped.append('\\');
			}
			escaped.append(c);
		}
		return escaped.toString();
	}

	/**
	 * Settings rendered for the startup log.
	 * @return e.g. {@code {work_mem=16MB, statement_timeout=5000ms}}
	 */
	@Override
	public String toString() {
		StringBuilder text = new StringBuilder("{");
		for (SessionSetting setting : this.settings) {
			if (text.length() > 1) {
				text.append(", ");
			}
			text.append(setting.name()).append('=').append(setting.value());
		}
		return text.append('}').toString();
	}

}
