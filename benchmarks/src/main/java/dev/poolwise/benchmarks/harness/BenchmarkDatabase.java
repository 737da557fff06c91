package dev.poolwise.benchmarks.harness;

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
import java.util.Map;
import java.util.Properties;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The one PostgreSQL server every variant of a run talks to: embedded binaries, password authentication
 * (scram-sha-256, as a production server asks for) for the benchmark role, and a pgbench-initialised
 * {@code pgbench_accounts} table. Room for 300 connections, so 100 unpooled clients fit.
 */
public final class BenchmarkDatabase implements AutoCloseable {

	public static final String USER = "bench";

	public static final String DATABASE = "bench";

	/** Database of the sample app in the startup measurement, apart from the pgbench tables. */
	public static final String SAMPLE_DATABASE = "sample";

	private static final String PASSWORD = "bench-Pa55word";

	private static final int PGBENCH_SCALE = 10;

	private final EmbeddedPostgres postgres;

	private BenchmarkDatabase(EmbeddedPostgres postgres) {
		this.postgres = postgres;
	}

	public static BenchmarkDatabase start() throws IOException, SQLException {
		return start(false);
	}

	/**
	 * @param durable whether to turn on what the embedded server leaves off for speed, fsync and
	 * synchronous commit, so that a commit waits for its WAL flush as on a production server: writes pay
	 * for it, reads do not
	 */
	public static BenchmarkDatabase start(boolean durable) throws IOException, SQLException {
		return start(durable, Map.of());
	}

	/**
	 * @param durable whether fsync and synchronous commit are on, as for {@link #start(boolean)}
	 * @param serverConfig further postgresql.conf settings, e.g. {@code ssl=on} with its files
	 */
	public static BenchmarkDatabase start(boolean durable, Map<String, String> serverConfig)
			throws IOException, SQLException {
		EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
		serverConfig.forEach(builder::setServerConfig);
		EmbeddedPostgres postgres = builder.setServerConfig("max_connections", "300")
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
	 * Creates pgbench's tables with pgbench itself, at scale 10: 1,000,000 accounts, about 150 MB with
	 * its index, cached in memory.
	 * @return the number of accounts, to read at random
	 */
	public int initialisePgbench() throws IOException, InterruptedException, SQLException {
		Console.log("PostgreSQL on port %d; pgbench -i -s %d", port(), PGBENCH_SCALE);
		PgBench.run(this, List.of("-i", "-q", "-s", Integer.toString(PGBENCH_SCALE)));
		return Math.toIntExact(accounts());
	}

	public int port() {
		return this.postgres.getPort();
	}

	public String password() {
		return PASSWORD;
	}

	public String jdbcUrl(String database) {
		return "jdbc:postgresql://localhost:" + port() + "/" + database;
	}

	public Properties credentials() {
		Properties properties = new Properties();
		properties.setProperty("user", USER);
		properties.setProperty("password", PASSWORD);
		return properties;
	}

	public String serverVersion() throws SQLException {
		try (Connection connection = this.postgres.getPostgresDatabase().getConnection();
				Statement statement = connection.createStatement();
				ResultSet row = statement.executeQuery("SHOW server_version")) {
			row.next();
			return row.getString(1);
		}
	}

	private long accounts() throws SQLException {
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
