package dev.poolwise.session;

import java.util.Locale;

/**
 * Why an environment variable cannot name a setting with an underscore, and what to write instead. Spring's
 * relaxed binding reads every underscore of {@code DB_POOL_SESSION_SETTINGS_WORK_MEM} as a dot, so it binds
 * the map key {@code work.mem}; PostgreSQL takes any dotted name as a custom setting, so without this check
 * the server would accept {@code work.mem} and {@code work_mem} would silently never be set.
 */
final class EnvironmentVariableKeys {

	private EnvironmentVariableKeys() {
	}

	/**
	 * The server setting a name stands for when an environment variable turned its underscores into dots.
	 * @param name the name as bound, e.g. {@code work.mem}
	 * @return e.g. {@code work_mem}
	 */
	static String meant(String name) {
		return name.replace('.', '_');
	}

	/**
	 * Why the environment variable for a name cannot reach the server setting it was meant for.
	 * @param prefix property prefix of the session group, e.g. {@code db.pool.session}
	 * @param name the name as bound, e.g. {@code work.mem}
	 * @return the rule
	 */
	static String rule(String prefix, String name) {
		return "an environment variable such as " + variable(prefix + ".settings." + name)
				+ " binds every underscore as a dot, so it cannot name the server setting " + meant(name)
				+ ", and PostgreSQL would take " + name + " as a custom setting and never set " + meant(name);
	}

	/**
	 * Why no environment variable can name the setting a name with several dots was probably meant as.
	 * @param prefix property prefix of the session group, e.g. {@code db.pool.session}
	 * @param name the name as bound, e.g. {@code random.page.cost}
	 * @return the explanation
	 */
	static String explanation(String prefix, String name) {
		return "An environment variable such as " + variable(prefix + ".settings." + name)
				+ " binds every underscore as a dot, so no environment variable can name " + meant(name) + ".";
	}

	/**
	 * What to write instead: the first-class key where there is one, otherwise the dashed key in a
	 * configuration file or in {@code SPRING_APPLICATION_JSON}, which keep the key as written.
	 * @param prefix property prefix of the session group, e.g. {@code db.pool.session}
	 * @param name the name as bound, e.g. {@code work.mem}
	 * @param value the configured value
	 * @return the fix
	 */
	static String fix(String prefix, String name, String value) {
		String meant = meant(name);
		String refusal = SessionSettings.refusal(meant);
		if (refusal != null) {
			return "Remove it: " + meant + " cannot be set by the pool, " + refusal + ".";
		}
		String firstClass = SessionSettings.firstClassKey(meant);
		if (firstClass != null) {
			String key = prefix + "." + firstClass;
			return "Set " + key + " instead, as an environment variable " + variable(key) + ".";
		}
		String key = prefix + ".settings." + meant.replace('_', '-');
		return "Write " + key + " in application.yml or application.properties, or pass it as SPRING_APPLICATION_JSON='"
				+ json(key, value) + "'.";
	}

	private static String variable(String key) {
		return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
	}

	private static String json(String key, String value) {
		String[] names = key.split("\\.");
		StringBuilder json = new StringBuilder();
		for (String name : names) {
			json.append("{\"").append(name).append("\":");
		}
		json.append('"').append(value.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
		return json.append("}".repeat(names.length)).toString();
	}

}
