package dev.poolwise.sample.database;

import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;

/**
 * Connection to the embedded server's {@code postgres} database as its superuser. The embedded server trusts
 * local connections, so there is no password, and the user is not put in the URL.
 *
 * @param port the port the server listens on
 */
record EmbeddedPostgresConnectionDetails(int port) implements JdbcConnectionDetails {

	@Override
	public String getJdbcUrl() {
		return "jdbc:postgresql://localhost:" + this.port + "/postgres";
	}

	@Override
	public String getUsername() {
		return "postgres";
	}

	@Override
	public String getPassword() {
		return null;
	}

}
