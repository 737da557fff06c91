package dev.poolwise.test;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import org.junit.jupiter.api.Assumptions;
import org.postgresql.Driver;

import static org.awaitility.Awaitility.await;

/**
 * A real PgBouncer in transaction pooling mode in front of {@link PostgresServer}, on a free loopback port:
 * the Debian package's binary (1.18 on bookworm), or 1.24.1 built from Debian trixie's source by
 * {@code .ci/pgbouncer-1.24}. Outside CI a missing binary ({@code pgbouncer}, or {@code psql} for the admin
 * console) skips the calling test with the command that installs it; in CI ({@code CI=true}) it fails, so
 * the suite can never pass without it.
 */
public final class PgBouncerServer implements AutoCloseable {

	private static final String INSTALL = "apt-get install -y pgbouncer";

	private static final String PSQL_INSTALL = "apt-get install -y postgresql-client";

	/** Where {@code .ci/pgbouncer-1.24} installs PgBouncer 1.24.1. */
	private static final String RECENT = "/opt/pgbouncer-1.24.1/bin";

	private final Path binary;

	private final Path directory;

	private final int port;

	private Process process;

	private PgBouncerServer(Path binary, Path directory, int port) {
		this.binary = binary;
		this.directory = directory;
		this.port = port;
	}

	/**
	 * Starts the Debian package's PgBouncer with a fresh configuration.
	 * @param defaultPoolSize server connections per database/user pair
	 * @return the running server
	 */
	public static PgBouncerServer start(int defaultPoolSize) {
		return start(find("pgbouncer", "PgBouncer is not installed: " + INSTALL, "/usr/sbin", "/usr/bin",
				"/usr/local/bin"), defaultPoolSize);
	}

	/**
	 * Starts PgBouncer 1.24.1, which routes prepared statements in transaction pooling
	 * ({@code max_prepared_statements}, 200 by default since 1.24), with a fresh configuration.
	 * @param defaultPoolSize server connections per database/user pair
	 * @param settings more {@code name = value} lines for its {@code [pgbouncer]} section
	 * @return the running server
	 */
	public static PgBouncerServer startRecent(int defaultPoolSize, String... settings) {
		return start(findIn(RECENT, "pgbouncer",
				"PgBouncer 1.24.1 is not built: run .ci/pgbouncer-1.24 (builds it from Debian trixie's source into "
						+ RECENT + ")"),
				defaultPoolSize, settings);
	}

	private static PgBouncerServer start(Path binary, int defaultPoolSize, String... settings) {
		try {
			Path directory = Files.createTempDirectory("pgbouncer");
			Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxrwxrwx"));
			PgBouncerServer server = new PgBouncerServer(binary, directory, freePort());
			server.writeConfiguration(defaultPoolSize, settings);
			server.launch();
			return server;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start PgBouncer", ex);
		}
	}

	private static Path findIn(String directory, String name, String missing) {
		Path candidate = Paths.get(directory, name);
		return Files.isExecutable(candidate) ? candidate : missing(missing);
	}

	/**
	 * The first executable of that name in the given directories or on the {@code PATH}; when there is
	 * none, aborts the calling test outside CI and fails it in CI.
	 */
	private static Path find(String name, String missing, String... directories) {
		List<String> searched = new ArrayList<>(List.of(directories));
		String path = System.getenv("PATH");
		if (path != null) {
			searched.addAll(List.of(path.split(File.pathSeparator)));
		}
		for (String directory : searched) {
			Path candidate = Paths.get(directory, name);
			if (Files.isExecutable(candidate)) {
				return candidate;
			}
		}
		return missing(missing);
	}

	private static Path missing(String missing) {
		if ("true".equalsIgnoreCase(System.getenv("CI"))) {
			throw new IllegalStateException(missing + " (CI must install it, see .ci/run)");
		}
		Assumptions.abort(missing);
		return null;
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	private void writeConfiguration(int defaultPoolSize, String... settings) throws IOException {
		Properties target = Driver.parseURL(PostgresServer.jdbcUrl(), new Properties());
		// Clients are trusted, so PgBouncer logs in to the server with the password from this file.
		Path users = this.directory.resolve("userlist.txt");
		Files.writeString(users, "\"" + PostgresServer.username() + "\" \"" + PostgresServer.PASSWORD + "\"\n");
		Files.writeString(configuration(), String.join("\n", "[databases]",
				"* = host=" + target.getProperty("PGHOST") + " port=" + target.getProperty("PGPORT"), "",
				"[pgbouncer]", "listen_addr = 127.0.0.1", "listen_port = " + this.port, "unix_socket_dir =",
				"auth_type = trust", "auth_file = " + users, "admin_users = " + PostgresServer.username(),
				"pool_mode = transaction", "default_pool_size = " + defaultPoolSize, "max_client_conn = 500",
				"ignore_startup_parameters = extra_float_digits", "server_check_delay = 1", "server_login_retry = 1",
				"logfile = " + this.directory.resolve("pgbouncer.log"),
				"pidfile = " + this.directory.resolve("pgbouncer.pid"), String.join("\n", settings), ""));
	}

	private Path configuration() {
		return this.directory.resolve("pgbouncer.ini");
	}

	/**
	 * (Re)starts the process on the same port and waits until it accepts connections.
	 */
	private void launch() throws IOException {
		List<String> command = new ArrayList<>();
		if ("root".equals(System.getProperty("user.name"))) {
			// PgBouncer refuses to run as root.
			command.addAll(List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"));
		}
		command.add(this.binary.toString());
		command.add(configuration().toString());
		this.process = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(this.directory.resolve("stdout.log").toFile())
			.start();
		await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(this::accepts);
	}

	private boolean accepts() throws IOException {
		if (!this.process.isAlive()) {
			throw new IllegalStateException("PgBouncer exited: " + Files.readString(this.directory.resolve("stdout.log")));
		}
		try (Socket socket = new Socket("127.0.0.1", this.port)) {
			return true;
		}
	}

	/**
	 * Stops PgBouncer; clients see their connections closed.
	 */
	public void stop() {
		// SIGINT, a safe shutdown on every version: from 1.23 on SIGTERM waits for every client to disconnect,
		// which a pool's idle connections never do.
		signal("INT");
		await().atMost(Duration.ofSeconds(10)).until(() -> !this.process.isAlive());
	}

	private void signal(String name) {
		try {
			Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(this.process.pid())).start();
			if (kill.waitFor() != 0) {
				throw new IllegalStateException("kill -" + name + " " + this.process.pid() + " failed");
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Starts PgBouncer again on the same port.
	 */
	public void restart() {
		try {
			launch();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * A JDBC URL of the given database through PgBouncer.
	 * @param database the database, or {@code pgbouncer} for the admin console
	 * @return the URL
	 */
	public String jdbcUrl(String database) {
		return "jdbc:postgresql://127.0.0.1:" + this.port + "/" + database;
	}

	public int port() {
		return this.port;
	}

	/**
	 * Runs an admin console command ({@code RECONNECT}, {@code KILL db}, {@code RESUME db}, ...) with psql:
	 * the console speaks only the simple query protocol and reports a version pgjdbc mistakes for a very
	 * old server, so the JDBC driver cannot talk to it.
	 * @param command the command
	 */
	public void admin(String command) {
		Path binary = find("psql", "psql is needed for the PgBouncer admin console: " + PSQL_INSTALL, "/usr/bin",
				"/usr/local/bin");
		try {
			Process psql = new ProcessBuilder(binary.toString(), "-h", "127.0.0.1", "-p", Integer.toString(this.port),
					"-U", PostgresServer.username(), "-d", "pgbouncer", "-v", "ON_ERROR_STOP=1", "-c", command)
				.redirectErrorStream(true)
				.start();
			String output = new String(psql.getInputStream().readAllBytes());
			if (psql.waitFor() != 0) {
				throw new IllegalStateException("PgBouncer refused '" + command + "': " + output);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not run " + binary + " for the PgBouncer admin console", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public void close() {
		if (this.process != null && this.process.isAlive()) {
			stop();
		}
	}

}
