package dev.poolwise.benchmarks.load;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The one PostgreSQL server every variant of a run talks to: embedded binaries, password authentication
 * (scram-sha-256, as a production server asks for) for the benchmark role, and a pgbench-initialised
 * {@code pgbench_accounts} table. Room for 300 connections, so 100 unpooled clients fit.
 */
final class BenchmarkDatabase implements AutoCloseable {

	static final String USER = "bench";

	static final String DATABASE = "bench";

	/** Database of the sample app in the startup measurement, apart from the pgbench tables. */
	static final String SAMPLE_DATABASE = "sample";

	private static final String PASSWORD = "bench-Pa55word";

	private final EmbeddedPostgres postgres;

	private BenchmarkDatabase(EmbeddedPostgres postgres) {
		this.postgres = postgres;
	}

	static BenchmarkDatabase start() throws IOException, SQLException {
		return start(false);
	}

	/**
	 * @param durable whether to turn on what the embedded server leaves off for speed, fsync and
	 * synchronous commit, so that a commit waits for its WAL flush as on a production server: writes pay
	 * for it, reads do not
	 */
	static BenchmarkDatabase start(boolean durable) throws IOException, SQLException {
		EmbeddedPostgres postgres = EmbeddedPostgres.builder()
			.setServerConfig("max_connections", "300")
			.setServerConfig("fsync", durable ? "on" : "off")
			.setServerConfig("synchronous_commit", durable ? "on" : "off")
			.setServerConfig("password_encryption", "scram-sha-256")
			.setDataDirectoryCustomizer(BenchmarkDatabase::requirePasswords)
			.start();
		try (Connection connection = postgres.getPostgresDatabase().getConnection();
				Statement statement = connection.createStatement()) {
			statement.execute("CREATE ROLE " + USER + " LOGIN PASSWORD '" + PASSWORD + "'");
			statement.execute("CREATE DATABASE " + DATABASE + " OWNER " + USER);
			statement.execute("CREATE DATABASE " + SAMPLE_DATABASE + " OWNER " + USER);
		}
		return new BenchmarkDatabase(postgres);
	}

	/**
	 * The embedded server trusts every local client; the benchmark role logs in with a password over TCP,
	 * so unpooled connections pay for authentication as they would in production.
	 */
	private static void requirePasswords(File dataDirectory) {
		Path hba = dataDirectory.toPath().resolve("pg_hba.conf");
		try {
			String rules = "host all " + USER + " 127.0.0.1/32 scram-sha-256\nhost all " + USER
					+ " ::1/128 scram-sha-256\n";
			Files.writeString(hba, rules + Files.readString(hba, StandardCharsets.UTF_8), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not write " + hba, ex);
		}
	}

	/**
	 * Creates pgbench's tables at the given scale (100,000 accounts per unit) with pgbench itself.
	 * @param scale pgbench's {@code -s}
	 */
	void initialisePgbench(int scale) throws IOException, InterruptedException {
		PgBench.run(this, List.of("-i", "-q", "-s", Integer.toString(scale)));
	}

	int port() {
		return this.postgres.getPort();
	}

	String password() {
		return PASSWORD;
	}

	String jdbcUrl(String database) {
		return "jdbc:postgresql://localhost:" + port() + "/" + database;
	}

	Properties credentials() {
		Properties properties = new Properties();
		properties.setProperty("user", USER);
		properties.setProperty("password", PASSWORD);
		return properties;
	}

	String serverVersion() throws SQLException {
		try (Connection connection = this.postgres.getPostgresDatabase().getConnection();
				Statement statement = connection.createStatement();
				ResultSet row = statement.executeQuery("SHOW server_version")) {
			row.next();
			return row.getString(1);
		}
	}

	long accounts() throws SQLException {
		try (Connection connection = this.postgres.getDatabase("postgres", DATABASE).getConnection();
				Statement statement = connection.createStatement();
				ResultSet row = statement.executeQuery("SELECT count(*) FROM pgbench_accounts")) {
			row.next();
			return row.getLong(1);
		}
	}

	@Override
	public void close() throws IOException {
		this.postgres.close();
	}

}
