package dev.poolwise.session;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

import dev.poolwise.validation.Violations;

/**
 * Checks session settings against the server before the pool opens, so a typo or a setting that only
 * {@code postgresql.conf} can change fails startup instead of every connection attempt. Values are tried
 * with {@code set_config} in a transaction of their own, which the server discards, so the server's own
 * parser judges them and nothing sticks to the checking connection. A dotted name such as {@code work.mem}
 * whose underscore form is a server setting is refused as well: the server would take it as a custom setting,
 * and it is what an environment variable makes of {@code work_mem}.
 */
public final class SessionSettingsVerifier {

	private static final String SETTINGS = "SELECT name, context, vartype, unit, min_val, max_val, "
			+ "array_to_string(enumvals, ', '), setting FROM pg_settings";

	private static final String TRY_VALUE = "SELECT set_config(?, ?, true)";

	/** Session settings of recent PostgreSQL versions, with the version that brought each. */
	private static final Map<String, Integer> SINCE = Map.of("idle_session_timeout", 14,
			"client_connection_check_interval", 14, "enable_presorted_aggregate", 16, "transaction_timeout", 17,
			"enable_group_by_reordering", 17, "io_combine_limit", 17, "enable_distinct_reordering", 18);

	private SessionSettingsVerifier() {
	}

	/**
	 * Records a violation for every setting the server would refuse.
	 * @param connection an autocommit connection to the target database
	 * @param settings the settings to check
	 * @param violations where problems are recorded
	 * @throws SQLException if pg_settings cannot be read
	 */
	public static void verify(Connection connection, SessionSettings settings, Violations violations)
			throws SQLException {
		if (settings.isEmpty()) {
			return;
		}
		Map<String, ServerSetting> server = readSettings(connection);
		Map<String, String> contexts = new HashMap<>();
		server.forEach((name, setting) -> contexts.put(name, setting.context()));
		for (SessionSetting setting : settings.all()) {
			String context = contexts.get(setting.name());
			Integer since = SINCE.get(setting.name());
			if (context == null && since != null) {
				ServerSetting version = server.get("server_version");
				violations.add(setting.property(), setting.value(),
						setting.name() + " came in PostgreSQL " + since + ", and this server is PostgreSQL "
								+ ((version != null) ? version.current() : "of an earlier version"),
						"Remove it until the server runs PostgreSQL " + since + " or later" + olderFix(settings.prefix(), setting.name())
								+ ".");
			}
			else if (context == null && !setting.isCustom()) {
				violations.add(setting.property(), setting.value(),
						"the server has no setting named " + setting.name(),
						unknownNameFix(settings.prefix(), setting, contexts));
			}
			else if (context == null && contexts.containsKey(EnvironmentVariableKeys.meant(setting.name()))) {
				violations.add(setting.property(), setting.value(),
						EnvironmentVariableKeys.rule(settings.prefix(), setting.name()),
						EnvironmentVariableKeys.fix(settings.prefix(), setting.name(), setting.value()));
			}
			else if (context != null && !context.equals("user") && !context.equals("superuser")) {
				violations.add(setting.property(), setting.value(), setting.name() + " has context '" + context
						+ "' and cannot be changed per session", contextFix(setting.name(), context));
			}
			else {
				tryValue(connection, setting, server.get(setting.name()), violations);
			}
		}
	}

	/**
	 * Setting names are case-insensitive to the server, which lists a few in mixed case (TimeZone,
	 * DateStyle); session setting names arrive lower-cased, so the map is keyed the same way.
	 */
	private static Map<String, ServerSetting> readSettings(Connection connection) throws SQLException {
		Map<String, ServerSetting> settings = new HashMap<>();
		try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(SETTINGS)) {
			while (rows.next()) {
				settings.put(rows.getString(1).toLowerCase(Locale.ROOT), new ServerSetting(rows.getString(1),
						rows.getString(2), rows.getString(3), rows.getString(4), rows.getString(5), rows.getString(6),
						rows.getString(7), rows.getString(8)));
			}
		}
		return settings;
	}

	private static String olderFix(String prefix, String name) {
		return name.equals("transaction_timeout") ? "; until then " + prefix + ".statement-timeout bounds each "
				+ "statement and " + prefix + ".idle-in-transaction-timeout the pauses between them" : "";
	}

	private static String unknownNameFix(String prefix, SessionSetting setting, Map<String, String> contexts) {
		String squashed = setting.name().replace("_", "");
		for (String name : contexts.keySet()) {
			if (name.replace("_", "").equals(squashed)) {
				return "Did you mean " + name + "? Write " + prefix + ".settings." + name.replace('_', '-')
						+ " (or with underscores, " + name + ").";
			}
		}
		return "Check the name against SHOW ALL on the server, or use a dotted name (myapp.key) for a custom setting.";
	}

	private static String contextFix(String name, String context) {
		return switch (context) {
			case "postmaster" -> "Set " + name + " in postgresql.conf or with ALTER SYSTEM and restart the server.";
			case "sighup" -> "Set " + name + " in postgresql.conf or with ALTER SYSTEM and reload the server.";
			default -> "Set " + name + " in postgresql.conf, with ALTER SYSTEM, or with ALTER ROLE ... SET " + name
					+ " where the server allows it.";
		};
	}

	private static void tryValue(Connection connection, SessionSetting setting, @Nullable ServerSetting server,
			Violations violations) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement(TRY_VALUE)) {
			statement.setString(1, setting.name());
			statement.setString(2, setting.value());
			statement.execute();
		}
		catch (PSQLException ex) {
			ServerErrorMessage error = ex.getServerErrorMessage();
			String reason = (error != null) ? error.getMessage() : ex.getMessage();
			String hint = (error != null && error.getHint() != null) ? " " + error.getHint() : "";
			String accepted = (server != null) ? server.describeAccepted() : "Write a value the server accepts.";
			violations.add(setting.property(), setting.value(), "the server refused it: " + reason, accepted + hint);
		}
	}

}
