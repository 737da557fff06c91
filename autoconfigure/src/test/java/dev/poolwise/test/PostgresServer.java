package dev.poolwise.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * The PostgreSQL server integration tests share, started once per JVM: a Testcontainers container when a
 * Docker engine is available, embedded binaries otherwise. Both serve the same tests.
 */
public final class PostgresServer {

	/**
	 * A password no log line, exception or endpoint may ever show. Both servers accept it.
	 */
	public static final String PASSWORD = "s3cret-Pa55word";

	/**
	 * max_connections of both servers: tests that open many sessions or read the connection budget rely on
	 * it, so the container must not keep the image's default of 100.
	 */
	private static final int MAX_CONNECTIONS = 300;

	private static final PostgresServer INSTANCE = start();

	private final String jdbcUrl;

	private final String username;

	private PostgresServer(String jdbcUrl, String username) {
		this.jdbcUrl = jdbcUrl;
		this.username = username;
	}

	private static PostgresServer start() {
		if (dockerMayBeRunning() && DockerClientFactory.instance().isDockerAvailable()) {
			PostgreSQLContainer container = new PostgreSQLContainer("postgres:18-alpine").withUsername("postgres")
				.withPassword(PASSWORD)
				.withCommand("postgres", "-c", "fsync=off", "-c", "max_connections=" + MAX_CONNECTIONS);
			container.start();
			return new PostgresServer(container.getJdbcUrl(), container.getUsername());
		}
		try {
			EmbeddedPostgres postgres = EmbeddedPostgres.builder()
				.setServerConfig("max_connections", Integer.toString(MAX_CONNECTIONS))
				.start();
			Runtime.getRuntime().addShutdownHook(new Thread(() -> close(postgres)));
			return new PostgresServer(postgres.getJdbcUrl("postgres", "postgres"), "postgres");
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start embedded PostgreSQL", ex);
		}
	}

	/**
	 * Spares the Testcontainers probe, and its error log, on machines with no sign of a Docker engine.
	 */
	private static boolean dockerMayBeRunning() {
		return System.getenv("DOCKER_HOST") != null || Files.exists(Paths.get("/var/run/docker.sock"))
				|| Files.exists(Paths.get(System.getProperty("user.home"), ".docker", "run", "docker.sock"))
				|| Files.exists(Paths.get(System.getProperty("user.home"), ".testcontainers.properties"));
	}

	private static void close(EmbeddedPostgres postgres) {
		try {
			postgres.close();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	public static String jdbcUrl() {
		return INSTANCE.jdbcUrl;
	}

	public static String username() {
		return INSTANCE.username;
	}

	/**
	 * The properties that point Spring Boot's DataSource at this server.
	 * @return {@code spring.datasource.*} pairs for a context runner
	 */
	public static String[] datasourceProperties() {
		return new String[] { "spring.datasource.url=" + jdbcUrl(), "spring.datasource.username=" + username(),
				"spring.datasource.password=" + PASSWORD };
	}

	/**
	 * A Hikari pool on this server that has not started yet, as a user-defined DataSource bean is handed
	 * to Poolwise.
	 * @return the unstarted pool
	 */
	public static HikariDataSource unstartedPool() {
		return unstartedPool(jdbcUrl());
	}

	/**
	 * A Hikari pool that has not started yet, with this server's credentials.
	 * @param url the JDBC URL, this server's or a server started with the same credentials
	 * @return the unstarted pool
	 */
	public static HikariDataSource unstartedPool(String url) {
		HikariDataSource dataSource = new HikariDataSource();
		dataSource.setJdbcUrl(url);
		dataSource.setUsername(username());
		dataSource.setPassword(PASSWORD);
		return dataSource;
	}

	/**
	 * A plain connection outside any pool, for looking at the server from the side.
	 * @return a new connection
	 * @throws SQLException if the server refuses
	 */
	public static Connection connect() throws SQLException {
		return DriverManager.getConnection(jdbcUrl(), username(), PASSWORD);
	}

	/**
	 * Sessions the server has open for one application name, as pgjdbc's ApplicationName sets it.
	 * @param applicationName the exact name
	 * @return how many
	 * @throws SQLException if the server refuses
	 */
	public static int sessions(String applicationName) throws SQLException {
		try (Connection connection = connect()) {
			return sessions(connection, applicationName);
		}
	}

	/**
	 * Sessions the server has open for one application name, asked over a connection that is already open:
	 * while a test holds a lock on a catalog, a new backend may wait for it while it starts (it opens every
	 * catalog cache when its relcache init file was invalidated).
	 * @param connection an open connection
	 * @param applicationName the exact name
	 * @return how many
	 * @throws SQLException if the server refuses
	 */
	public static int sessions(Connection connection, String applicationName) throws SQLException {
		try (PreparedStatement statement = connection
			.prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE application_name = ?")) {
			statement.setString(1, applicationName);
			try (ResultSet row = statement.executeQuery()) {
				row.next();
				return row.getInt(1);
			}
		}
	}

}
