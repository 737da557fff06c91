package dev.poolwise.registry;

import java.util.Arrays;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;
import org.postgresql.Driver;

/**
 * Where a pool connects: server, database and user. Two pools with the same target hold separate
 * connections to the same place, which is what the registry warns about.
 *
 * @param server {@code host:port} as the URL names it, with host names lower-cased and the loopback
 * addresses ({@code 127.0.0.1}, {@code ::1}) written {@code localhost}
 * @param database the database name
 * @param user the connecting role
 */
public record PoolTarget(String server, String database, String user) {

	private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "::1", "[::1]",
			"0:0:0:0:0:0:0:1");

	/**
	 * Reads the target from a pgjdbc URL.
	 * @param jdbcUrl a {@code jdbc:postgresql:} URL
	 * @param username the DataSource's username, or null to use the URL's {@code user} parameter
	 * @return the target
	 */
	public static PoolTarget of(String jdbcUrl, @Nullable String username) {
		Properties parsed = Driver.parseURL(jdbcUrl, new Properties());
		if (parsed == null) {
			return new PoolTarget("unknown", "unknown", String.valueOf(username));
		}
		String server = host(parsed.getProperty("PGHOST", "localhost")) + ":" + parsed.getProperty("PGPORT", "5432");
		String user = (username != null) ? username : parsed.getProperty("user", "");
		return new PoolTarget(server, parsed.getProperty("PGDBNAME", ""), user);
	}

	/**
	 * One spelling per server for the common cases, so that pools written against {@code localhost} and
	 * {@code 127.0.0.1} count against the same budget. Other names are not resolved: a DNS lookup per pool
	 * could block startup, and two names for one remote server are rare.
	 */
	private static String host(String hosts) {
		return Arrays.stream(hosts.split(","))
			.map((host) -> host.trim().toLowerCase(Locale.ROOT))
			.map((host) -> LOOPBACK.contains(host) ? "localhost" : host)
			.collect(Collectors.joining(","));
	}

	/**
	 * Whether a host as a URL names it is this machine, by name only (no DNS lookup).
	 * @param host a host name or address
	 * @return true for {@code localhost} and the loopback addresses
	 */
	public static boolean isLoopback(String host) {
		String name = host.trim().toLowerCase(Locale.ROOT);
		return LOOPBACK.contains(name) || name.startsWith("127.");
	}

	@Override
	public String toString() {
		return this.user + "@" + this.server + "/" + this.database;
	}

}
