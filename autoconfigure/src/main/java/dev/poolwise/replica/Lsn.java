package dev.poolwise.replica;

import org.jspecify.annotations.Nullable;

/**
 * WAL positions as PostgreSQL writes them ({@code 16/B374D848}) turned into one comparable number, so the
 * primary's position and a replica's replay position can be compared without asking the server.
 */
public final class Lsn {

	/**
	 * No position known.
	 */
	public static final long UNKNOWN = -1;

	private Lsn() {
	}

	/**
	 * Parses a {@code pg_lsn} value.
	 * @param text the value as the server returns it, or null (a standby that replayed nothing yet)
	 * @return the position, or {@link #UNKNOWN}
	 */
	public static long parse(@Nullable String text) {
		if (text == null) {
			return UNKNOWN;
		}
		int slash = text.indexOf('/');
		if (slash < 0) {
			throw new IllegalArgumentException("Not a pg_lsn value: '" + text + "'");
		}
		return (Long.parseUnsignedLong(text.substring(0, slash), 16) << 32)
				| Long.parseUnsignedLong(text.substring(slash + 1), 16);
	}

	/**
	 * Formats a position as PostgreSQL does.
	 * @param lsn a position
	 * @return e.g. {@code 16/B374D848}, or null for {@link #UNKNOWN}
	 */
	public static @Nullable String format(long lsn) {
		if (lsn < 0) {
			return null;
		}
		return Long.toHexString(lsn >>> 32).toUpperCase() + "/" + Long.toHexString(lsn & 0xFFFFFFFFL).toUpperCase();
	}

}
