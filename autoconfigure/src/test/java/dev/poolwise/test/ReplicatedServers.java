package dev.poolwise.test;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;

import static org.awaitility.Awaitility.await;

/**
 * A primary and hot standbys made from it with {@code pg_basebackup}, each in its own temporary directory on
 * a free loopback port: the Debian PostgreSQL server package's binaries
 * ({@code /usr/lib/postgresql/<version>/bin}), run as {@code postgres} when the tests run as root, since
 * PostgreSQL refuses root. {@link #start()} makes one standby streaming synchronously: every acknowledged
 * commit survives the primary's loss, so a test can count rows against the writes it was told succeeded.
 * {@link #startAsynchronous(int)} makes several that stream asynchronously, so one can be stopped or delayed
 * ({@code recovery_min_apply_delay}) without holding up the primary's commits. Outside CI missing binaries
 * skip the calling test; in CI ({@code CI=true}) they fail it.
 */
public final class ReplicatedServers implements AutoCloseable {

	private static final String INSTALL = "apt-get install -y postgresql-15";

	private final Path bin;

	private final Path directory;

	private Node primary;

	private Node standby;

	private final List<Node> standbys = new ArrayList<>();

	private ReplicatedServers(Path bin, Path directory, int standbys) throws IOException {
		this.bin = bin;
		this.directory = directory;
		this.primary = new Node(directory.resolve("primary"), freePort());
		for (int i = 0; i < standbys; i++) {
			this.standbys.add(new Node(directory.resolve((i == 0) ? "standby" : "standby" + i), freePort()));
		}
		this.standby = this.standbys.get(0);
	}

	/**
	 * Starts the primary, clones the standby from it and waits until the standby streams synchronously.
	 * @return the running pair
	 */
	public static ReplicatedServers start() {
		return start(1, true, List.of());
	}

	/**
	 * Starts the primary and clones standbys from it that stream asynchronously, and waits until each
	 * streams.
	 * @param standbys how many standbys
	 * @return the running servers
	 */
	public static ReplicatedServers startAsynchronous(int standbys) {
		return start(standbys, false, List.of());
	}

	/**
	 * As {@link #start()}, but the given roles must prove their password (scram-sha-256) over TCP, as on a
	 * production server; {@code postgres} stays trusted for the tests' side connections.
	 * @param roles roles that log in with a password
	 * @return the running pair
	 */
	public static ReplicatedServers startRequiringPasswords(String... roles) {
		return start(1, true, List.of(roles));
	}

	/**
	 * A primary with two asynchronous standbys shared by every test class of the JVM that leaves them as it
	 * found them (a delay it sets, it resets), started on first use and stopped when the JVM exits. Tests
	 * that stop, fence or promote a server start their own.
	 * @return the shared servers
	 */
	public static ReplicatedServers shared() {
		return Shared.INSTANCE;
	}

	private static ReplicatedServers start(int standbys, boolean synchronous, List<String> passwordRoles) {
		Path bin = findBinaries();
		try {
			Path directory = Files.createTempDirectory("replicated");
			Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxrwxrwx"));
			ReplicatedServers servers = new ReplicatedServers(bin, directory, standbys);
			servers.initialise(synchronous, passwordRoles);
			return servers;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start replicated PostgreSQL servers", ex);
		}
	}

	private static Path findBinaries() {
		Path root = Paths.get("/usr/lib/postgresql");
		if (Files.isDirectory(root)) {
			try (Stream<Path> versions = Files.list(root)) {
				Path bin = versions.map((version) -> version.resolve("bin"))
					.filter((candidate) -> Files.isExecutable(candidate.resolve("pg_basebackup")))
					.max(Comparator.comparing(Path::toString))
					.orElse(null);
				if (bin != null) {
					return bin;
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}
		String missing = "PostgreSQL server binaries (initdb, pg_ctl, pg_basebackup) are not installed: " + INSTALL;
		if ("true".equalsIgnoreCase(System.getenv("CI"))) {
			throw new IllegalStateException(missing + " (CI must install them, see .ci/run)");
		}
		Assumptions.abort(missing);
		return null;
	}

	private void initialise(boolean synchronous, List<String> passwordRoles) throws IOException {
		run("initdb", "-D", this.primary.data().toString(), "-U", "postgres", "--auth=trust", "--no-sync", "-E",
				"UTF8", "--no-instructions");
		Path hba = this.primary.data().resolve("pg_hba.conf");
		StringBuilder rules = new StringBuilder();
		for (String role : passwordRoles) {
			rules.append("host all ").append(role).append(" 127.0.0.1/32 scram-sha-256\n");
		}
		Files.writeString(hba, rules + Files.readString(hba));
		this.primary.configure("synchronous_standby_names = '" + (synchronous ? "*" : "") + "'");
		this.primary.start();
		for (Node node : this.standbys) {
			run("pg_basebackup", "-h", "127.0.0.1", "-p", Integer.toString(this.primary.port()), "-U", "postgres",
					"-D", node.data().toString(), "-R", "-X", "stream", "--no-sync");
			node.configure("synchronous_standby_names = ''");
			node.start();
		}
		String state = synchronous ? "sync" : "async";
		await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> streaming(state) == this.standbys.size());
	}

	private int streaming(String state) throws SQLException {
		return Integer.parseInt(Sql.queryString(connectPrimary(),
				"SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming' AND sync_state = '" + state + "'"));
	}

	/**
	 * A URL naming only the primary.
	 * @param query the query string without the {@code ?}, may be empty
	 * @return the URL
	 */
	public String primaryUrl(String query) {
		return url("127.0.0.1:" + this.primary.port(), query);
	}

	/**
	 * A URL naming the primary first, then the standby.
	 * @param query the query string without the {@code ?}, may be empty
	 * @return the URL
	 */
	public String bothUrl(String query) {
		return url("127.0.0.1:" + this.primary.port() + ",127.0.0.1:" + this.standby.port(), query);
	}

	private static String url(String hosts, String query) {
		return "jdbc:postgresql://" + hosts + "/postgres" + (query.isEmpty() ? "" : "?" + query);
	}

	/**
	 * A URL naming standbys, as {@code db.pool.replicas.url} takes them.
	 * @param indexes which standbys, in order
	 * @return the URL
	 */
	public String standbysUrl(int... indexes) {
		List<String> hosts = new ArrayList<>();
		for (int index : indexes) {
			hosts.add("127.0.0.1:" + this.standbys.get(index).port());
		}
		return url(String.join(",", hosts), "");
	}

	public int standbyPort(int index) {
		return this.standbys.get(index).port();
	}

	public Connection connectStandby(int index) throws SQLException {
		return this.standbys.get(index).connect();
	}

	/**
	 * Delays a standby's replay of each commit by {@code recovery_min_apply_delay}; zero replays at once.
	 * @param index which standby
	 * @param delay the delay
	 * @throws SQLException if the standby refuses
	 */
	public void delayStandby(int index, Duration delay) throws SQLException {
		try (Connection connection = connectStandby(index); Statement statement = connection.createStatement()) {
			statement.execute("ALTER SYSTEM SET recovery_min_apply_delay = '" + delay.toMillis() + "ms'");
			statement.execute("SELECT pg_reload_conf()");
		}
		await().atMost(Duration.ofSeconds(10))
			.until(() -> (delay.toMillis() + "ms").equals(Sql.queryString(connectStandby(index),
					"SELECT setting || unit FROM pg_settings WHERE name = 'recovery_min_apply_delay'")));
	}

	/**
	 * Stops a standby.
	 * @param index which standby
	 */
	public void stopStandby(int index) {
		run("pg_ctl", "-D", this.standbys.get(index).data().toString(), "-m", "fast", "-w", "stop");
	}

	/**
	 * Starts a stopped standby again.
	 * @param index which standby
	 */
	public void startStandby(int index) {
		this.standbys.get(index).start();
	}

	/**
	 * Promotes a standby and waits until it takes writes.
	 * @param index which standby
	 */
	public void promoteStandby(int index) {
		run("pg_ctl", "-D", this.standbys.get(index).data().toString(), "-w", "promote");
		await().atMost(Duration.ofSeconds(30))
			.ignoreExceptions()
			.until(() -> "f".equals(Sql.queryString(connectStandby(index), "SELECT pg_is_in_recovery()")));
	}

	public int primaryPort() {
		return this.primary.port();
	}

	public int standbyPort() {
		return this.standby.port();
	}

	public Connection connectPrimary() throws SQLException {
		return this.primary.connect();
	}

	public Connection connectStandby() throws SQLException {
		return this.standby.connect();
	}

	/**
	 * Stops the primary.
	 * @param mode {@code fast} ends sessions with {@code 57P01}; {@code immediate} drops them, as a crash
	 */
	public void stopPrimary(String mode) {
		run("pg_ctl", "-D", this.primary.data().toString(), "-m", mode, "-w", "stop");
	}

	/**
	 * Starts the primary again on its data directory and port, after {@link #stopPrimary(String)}: with
	 * {@link #stopPrimary(String)} a server restart.
	 */
	public void startPrimary() {
		this.primary.start();
	}

	/**
	 * Fences the primary as an operator does before a switchover: every new transaction, in current
	 * sessions too, is read-only, so a write fails with {@code 25006}.
	 * @throws SQLException if the primary refuses
	 */
	public void fencePrimary() throws SQLException {
		try (Connection connection = connectPrimary(); Statement statement = connection.createStatement()) {
			statement.execute("ALTER SYSTEM SET default_transaction_read_only = on");
			statement.execute("SELECT pg_reload_conf()");
		}
		await().atMost(Duration.ofSeconds(10))
			.until(() -> "on".equals(Sql.queryString(connectPrimary(), "SHOW default_transaction_read_only")));
	}

	/**
	 * Promotes the standby and waits until it takes writes.
	 */
	public void promoteStandby() {
		promoteStandby(0);
	}

	/**
	 * After {@link #promoteStandby()}, makes the old primary a synchronous standby of the promoted one, as an
	 * operator does after a failover (here with a fresh {@code pg_basebackup} rather than {@code pg_rewind}),
	 * so that another failover can follow. The roles swap: {@link #primaryPort()} is then the promoted server,
	 * {@link #standbyPort()} the rebuilt one; each node keeps its port. For the pair {@link #start()} makes.
	 */
	public void rebuildStandby() {
		Node old = this.primary;
		if (old.running()) {
			run("pg_ctl", "-D", old.data().toString(), "-m", "fast", "-w", "stop");
		}
		delete(old.data());
		run("pg_basebackup", "-h", "127.0.0.1", "-p", Integer.toString(this.standby.port()), "-U", "postgres", "-D",
				old.data().toString(), "-R", "-X", "stream", "--no-sync");
		try {
			old.configure("synchronous_standby_names = ''");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		old.start();
		this.standbys.set(this.standbys.indexOf(this.standby), old);
		this.primary = this.standby;
		this.standby = old;
		await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> streaming("async") == 1);
		try (Connection connection = connectPrimary(); Statement statement = connection.createStatement()) {
			statement.execute("ALTER SYSTEM SET synchronous_standby_names = '*'");
			statement.execute("SELECT pg_reload_conf()");
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not make the rebuilt standby synchronous", ex);
		}
		await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> streaming("sync") == 1);
	}

	@Override
	public void close() {
		List<Node> nodes = new ArrayList<>(this.standbys);
		nodes.add(this.primary);
		for (Node node : nodes) {
			if (node.running()) {
				runQuietly("pg_ctl", "-D", node.data().toString(), "-m", "immediate", "-w", "stop");
			}
		}
		delete(this.directory);
	}

	private static void delete(Path directory) {
		try (Stream<Path> files = Files.walk(directory)) {
			files.sorted(Comparator.reverseOrder()).forEach((file) -> file.toFile().delete());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private void run(String program, String... arguments) {
		String output = runQuietly(program, arguments);
		if (output != null) {
			throw new IllegalStateException(program + " failed: " + output);
		}
	}

	/**
	 * Runs a PostgreSQL program, as {@code postgres} when this JVM is root.
	 * @return null on success, else the program's output
	 */
	private String runQuietly(String program, String... arguments) {
		List<String> command = new ArrayList<>();
		if ("root".equals(System.getProperty("user.name"))) {
			command.addAll(List.of("runuser", "-u", "postgres", "--"));
		}
		command.add(this.bin.resolve(program).toString());
		command.addAll(List.of(arguments));
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
				.start();
			String output = new String(process.getInputStream().readAllBytes());
			return (process.waitFor() == 0) ? null : output;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not run " + command, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	/**
	 * One server: its data directory and port.
	 */
	private final class Node {

		private final Path data;

		private final int port;

		Node(Path data, int port) {
			this.data = data;
			this.port = port;
		}

		Path data() {
			return this.data;
		}

		int port() {
			return this.port;
		}

		/**
		 * Appends settings to the server's configuration; later lines win, so the standby's copy of the
		 * primary's port is overridden. No Unix socket: everything connects over TCP, and a socket's lock file
		 * left by a server that was just stopped cannot keep a server rebuilt in its directory from starting.
		 */
		void configure(String... settings) throws IOException {
			List<String> lines = new ArrayList<>(List.of("listen_addresses = '127.0.0.1'", "port = " + this.port,
					"unix_socket_directories = ''", "fsync = off", "max_connections = 100",
					"wal_sender_timeout = 5s", "wal_receiver_status_interval = 1s",
					"wal_retrieve_retry_interval = 1s"));
			lines.addAll(List.of(settings));
			Files.writeString(this.data.resolve("postgresql.conf"),
					Files.readString(this.data.resolve("postgresql.conf")) + "\n" + String.join("\n", lines) + "\n");
		}

		boolean running() {
			return Files.exists(this.data.resolve("postmaster.pid"));
		}

		/**
		 * Starts the server, logging beside its data directory so that the log outlives a rebuild; a server that
		 * does not start fails with the end of its log.
		 */
		void start() {
			Path log = this.data.resolveSibling(this.data.getFileName() + ".log");
			String output = runQuietly("pg_ctl", "-D", this.data.toString(), "-l", log.toString(), "-w", "start");
			if (output != null) {
				throw new IllegalStateException("pg_ctl start failed: " + output + "\n" + tail(log));
			}
		}

		private static String tail(Path log) {
			try {
				List<String> lines = Files.readAllLines(log);
				return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
			}
			catch (IOException ex) {
				return "(no log: " + ex.getMessage() + ")";
			}
		}

		Connection connect() throws SQLException {
			return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + this.port + "/postgres", "postgres",
					"");
		}

	}

	/**
	 * Holds the shared servers, started when first asked for.
	 */
	private static final class Shared {

		static final ReplicatedServers INSTANCE = startShared();

		private static ReplicatedServers startShared() {
			ReplicatedServers servers = startAsynchronous(2);
			Runtime.getRuntime().addShutdownHook(new Thread(servers::close));
			return servers;
		}

	}

}
