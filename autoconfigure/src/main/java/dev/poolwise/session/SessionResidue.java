package dev.poolwise.session;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a statement can leave on a session for the pool's next borrower, found in its text, with what
 * Poolwise does about it and what the application should do instead.
 */
enum SessionResidue {

	// Each pattern is applied to a text whose comments are blanked (see of), so "(?:^|;)" finds a statement's start.

	/** {@code SET}, {@code RESET}, {@code set_config(..., false)}, {@code SET ROLE}: put back as set up. */
	SETTING("a session setting (SET, RESET, set_config or SET ROLE)",
			"put the settings and the role back as the pool set them up",
			"use SET LOCAL, or set_config(..., true), inside a transaction",
			"(?:^|;)\\s*(?:set\\s+(?!local\\b|transaction\\b|constraints\\b)|reset\\s)"
					+ "|\\bset_config\\s*\\((?![^;]*,\\s*true\\s*\\))"),

	/** {@code LISTEN}. */
	LISTEN("LISTEN", "ran UNLISTEN *", "listen on a connection of its own, outside the pool", "(?:^|;)\\s*listen\\s"),

	/** A session-level advisory lock, which outlives the transaction. */
	ADVISORY_LOCK("a session advisory lock (pg_advisory_lock)", "released it (pg_advisory_unlock_all)",
			"use pg_advisory_xact_lock, which ends with the transaction",
			"\\bpg_(?:try_)?advisory_lock(?:_shared)?\\s*\\("),

	/** A temporary table, sequence or view. */
	TEMPORARY("a temporary table", "dropped it (DISCARD TEMP)", "create it ON COMMIT DROP inside a transaction",
			"\\bcreate\\s+(?:(?:global|local)\\s+)?temp(?:orary)?\\s(?![^;]*\\bon\\s+commit\\s+drop\\b)"
					+ "|\\binto\\s+temp(?:orary)?\\s"),

	/** An SQL-level {@code PREPARE}, apart from the driver's own protocol-level statements. */
	PREPARED("an SQL PREPARE", "deallocated it", "use a PreparedStatement, which pgjdbc prepares and keeps itself",
			"(?:^|;)\\s*prepare\\s"),

	/** A cursor {@code WITH HOLD}, which outlives the transaction. */
	HELD_CURSOR("a cursor WITH HOLD", "closed it (CLOSE ALL)", "close the cursor before returning the connection",
			"\\bwith\\s+hold\\b");

	private static final Pattern CUSTOM = Pattern.compile("(?:^|;)\\s*(?:set\\s+(?:session\\s+)?|reset\\s+)"
			+ "(?:([a-z_][a-z0-9_$]*\\.[a-z0-9_$.]+)|\"([^\"]+\\.[^\"]+)\")"
			+ "|\\bset_config\\s*\\(\\s*'([^']+\\.[^']+)'", Pattern.CASE_INSENSITIVE);

	/** A {@code set_config} whose name is not a literal, so its text cannot say which setting it sets. */
	private static final Pattern UNNAMED = Pattern.compile("\\bset_config\\s*\\(\\s*[^'\\s]",
			Pattern.CASE_INSENSITIVE);

	private static final Pattern COMMENT = Pattern.compile("/\\*.*?\\*/|--[^\\n]*", Pattern.DOTALL);

	private final String what;

	private final String undone;

	private final String fix;

	private final Pattern pattern;

	SessionResidue(String what, String undone, String fix, String pattern) {
		this.what = what;
		this.undone = undone;
		this.fix = fix;
		this.pattern = Pattern.compile(pattern, Pattern.CASE_INSENSITIVE);
	}

	/**
	 * What a statement may leave behind.
	 * @param sql the statement's text
	 * @return a bit ({@code 1 << ordinal()}) for each kind it may leave
	 */
	static int of(String sql) {
		String text = uncommented(sql);
		int found = 0;
		for (SessionResidue residue : values()) {
			if (residue.pattern.matcher(text).find()) {
				found |= residue.bit();
			}
		}
		return found;
	}

	/**
	 * Whether a statement sets a setting whose name its text does not give ({@code set_config(?, ...)}).
	 * @param sql the statement's text
	 * @return true when the setting cannot be named
	 */
	static boolean setsUnnamed(String sql) {
		return UNNAMED.matcher(uncommented(sql)).find();
	}

	/**
	 * The text with its comments blanked, so a comment before a statement does not hide it.
	 */
	private static String uncommented(String sql) {
		return (sql.indexOf("/*") >= 0 || sql.indexOf("--") >= 0) ? COMMENT.matcher(sql).replaceAll(" ") : sql;
	}

	/**
	 * The custom settings ({@code app.tenant}) a statement sets or resets by name: the server lists none of
	 * them in {@code pg_settings}, so only the statement's text tells which to restore.
	 * @param sql the statement's text
	 * @return their names, lower case
	 */
	static Set<String> customSettings(String sql) {
		Set<String> names = new LinkedHashSet<>();
		Matcher matcher = CUSTOM.matcher(uncommented(sql));
		while (matcher.find()) {
			String name = (matcher.group(1) != null) ? matcher.group(1)
					: (matcher.group(2) != null) ? matcher.group(2) : matcher.group(3);
			names.add(name.toLowerCase(Locale.ROOT));
		}
		return names;
	}

	int bit() {
		return 1 << ordinal();
	}

	/**
	 * @return what the borrower left, in words
	 */
	String what() {
		return this.what;
	}

	/**
	 * @return what Poolwise did about it, in words
	 */
	String undone() {
		return this.undone;
	}

	/**
	 * @return what the application should do instead
	 */
	String fix() {
		return this.fix;
	}

}
