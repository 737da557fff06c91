package dev.poolwise.registry;

import java.util.Properties;

import org.postgresql.Driver;

/**
 * Where a pool connects: server, database and user. Two pools with the same target hold separate
 * connections to the same place, which is what the registry warns about.
 *
 * @param server {@code host:port} as the URL names it
 * @param database the database name
 * @param user the connecting role
 */
public record PoolTarget(String server, String database, String user) {

	/**
	 * Reads the target from a pgjdbc URL.
	 * @param jdbcUrl a {@code jdbc:postgresql:} URL
	 * @param username the DataSource's username, or null to use the URL's {@code user} parameter
	 * @return the target
	 */
	public static PoolTarget of(String jdbcUrl, String username) {
		Properties parsed = Driver.parseURL(jdbcUrl, new Properties());
		if (parsed == null) {
			return new PoolTarget("unknown", "unknown", String.valueOf(username));
		}
		String server = parsed.getProperty("PGHOST", "localhost") + ":" + parsed.getProperty("PGPORT", "5432");
		String user = (username != null) ? username : parsed.getProperty("user", "");
		return new PoolTarget(server, parsed.getProperty("PGDBNAME", ""), user);
	}

	@Override
	public String toString() {
		return this.user + "@" + this.server + "/" + this.database;
	}

}
