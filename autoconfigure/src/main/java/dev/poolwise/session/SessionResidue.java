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

	/** {@code SET}, {@code RESET}, {@code set_config}, {@code SET ROLE}: restored to the values before. */
	SETTING("a session setting (SET, RESET, set_config or SET ROLE)", "restored the settings it had before",
			"use SET LOCAL, or set_config(..., true), inside a transaction",
			"(?:^|;)\\s*(?:set\\s+(?!local\\b|transaction\\b|constraints\\b)|reset\\s)|\\bset_config\\s*\\("),

	/** {@code LISTEN}. */
	LISTEN("LISTEN", "ran UNLISTEN *", "listen on a connection of its own, outside the pool", "(?:^|;)\\s*listen\\s"),

	/** A session-level advisory lock, which outlives the transaction. */
	ADVISORY_LOCK("a session advisory lock (pg_advisory_lock)", "released it (pg_advisory_unlock_all)",
			"use pg_advisory_xact_lock, which ends with the transaction",
			"\\bpg_(?:try_)?advisory_lock(?:_shared)?\\s*\\("),

	/** A temporary table, sequence or view. */
	TEMPORARY("a temporary table", "dropped it (DISCARD TEMP)", "create it ON COMMIT DROP inside a transaction",
			"\\bcreate\\s+(?:(?:global|local)\\s+)?temp(?:orary)?\\s|\\binto\\s+temp(?:orary)?\\s"),

	/** An SQL-level {@code PREPARE}, apart from the driver's own protocol-level statements. */
	PREPARED("an SQL PREPARE", "deallocated it", "use a PreparedStatement, which pgjdbc prepares and keeps itself",
			"(?:^|;)\\s*prepare\\s"),

	/** A cursor {@code WITH HOLD}, which outlives the transaction. */
	HELD_CURSOR("a cursor WITH HOLD", "closed it (CLOSE ALL)", "close the cursor before returning the connection",
			"\\bwith\\s+hold\\b");

	private static final Pattern CUSTOM = Pattern.compile("(?:^|;)\\s*(?:set\\s+(?:session\\s+)?|reset\\s+)"
			+ "([a-z_][a-z0-9_$]*\\.[a-z0-9_$.]+)|\\bset_config\\s*\\(\\s*'([^']+\\.[^']+)'", Pattern.CASE_INSENSITIVE);

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
		int found = 0;
		for (SessionResidue residue : values()) {
			if (residue.pattern.matcher(sql).find()) {
				found |= residue.bit();
			}
		}
		return found;
	}

	/**
	 * The custom settings ({@code app.tenant}) a statement sets or resets by name: the server lists none of
	 * them in {@code pg_settings}, so only the statement's text tells which to restore.
	 * @param sql the statement's text
	 * @return their names, lower case
	 */
	static Set<String> customSettings(String sql) {
		Set<String> names = new LinkedHashSet<>();
		Matcher matcher = CUSTOM.matcher(sql);
		while (matcher.find()) {
			names.add(((matcher.group(1) != null) ? matcher.group(1) : matcher.group(2)).toLowerCase(Locale.ROOT));
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
