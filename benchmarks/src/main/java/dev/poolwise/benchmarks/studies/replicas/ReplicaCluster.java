package dev.poolwise.benchmarks.studies.replicas;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A primary and one asynchronous streaming standby cloned with {@code pg_basebackup}, from the Debian
 * PostgreSQL server binaries, on free loopback ports, run as {@code postgres} when the JVM is root.
 */
final class ReplicaCluster implements AutoCloseable {

	private static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");

	private final Path directory;

	private final int primaryPort;

	private final int standbyPort;

	private ReplicaCluster(Path directory, int primaryPort, int standbyPort) {
		this.directory = directory;
		this.primaryPort = primaryPort;
		this.standbyPort = standbyPort;
	}

	static ReplicaCluster start() throws IOException, InterruptedException {
		Path directory = Files.createTempDirectory("bench-replicas");
		Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxrwxrwx"));
		ReplicaCluster cluster = new ReplicaCluster(directory, freePort(), freePort());
		Path primary = directory.resolve("primary");
		Path standby = directory.resolve("standby");
		cluster.run("initdb", "-D", primary.toString(), "-U", "postgres", "--auth=trust", "--no-sync");
		configure(primary, cluster.primaryPort);
		cluster.run("pg_ctl", "-D", primary.toString(), "-l", primary + ".log", "-w", "start");
		cluster.run("pg_basebackup", "-h", "127.0.0.1", "-p", Integer.toString(cluster.primaryPort), "-U", "postgres",
				"-D", standby.toString(), "-R", "-X", "stream", "--no-sync");
		configure(standby, cluster.standbyPort);
		cluster.run("pg_ctl", "-D", standby.toString(), "-l", standby + ".log", "-w", "start");
		return cluster;
	}

	private static void configure(Path data, int port) throws IOException {
		Files.writeString(data.resolve("postgresql.conf"), Files.readString(data.resolve("postgresql.conf"))
				+ "\nlisten_addresses = '127.0.0.1'\nport = " + port + "\nunix_socket_directories = '" + data
				+ "'\nfsync = off\nmax_connections = 100\nwal_receiver_status_interval = 1s\n");
	}

	String primaryUrl() {
		return "jdbc:postgresql://127.0.0.1:" + this.primaryPort + "/postgres";
	}

	String standbyUrl() {
		return "jdbc:postgresql://127.0.0.1:" + this.standbyPort + "/postgres";
	}

	int primaryPort() {
		return this.primaryPort;
	}

	/**
	 * Sets the standby's {@code recovery_min_apply_delay}.
	 * @param millis the delay, 0 for none
	 */
	void delayStandby(long millis) throws SQLException, InterruptedException {
		try (Connection connection = DriverManager.getConnection(standbyUrl(), "postgres", "");
				Statement statement = connection.createStatement()) {
			statement.execute("ALTER SYSTEM SET recovery_min_apply_delay = '" + millis + "ms'");
			statement.execute("SELECT pg_reload_conf()");
		}
		Thread.sleep(500);
	}

	@Override
	public void close() throws IOException, InterruptedException {
		for (String node : new String[] { "standby", "primary" }) {
			run("pg_ctl", "-D", this.directory.resolve(node).toString(), "-m", "immediate", "-w", "stop");
		}
		try (Stream<Path> files = Files.walk(this.directory)) {
			files.sorted(Comparator.reverseOrder()).forEach((file) -> file.toFile().delete());
		}
	}

	private void run(String program, String... arguments) throws IOException, InterruptedException {
		List<String> command = new ArrayList<>();
		if ("root".equals(System.getProperty("user.name"))) {
			command.addAll(List.of("runuser", "-u", "postgres", "--"));
		}
		command.add(BIN.resolve(program).toString());
		command.addAll(List.of(arguments));
		Process process = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
			.start();
		String output = new String(process.getInputStream().readAllBytes());
		if (process.waitFor() != 0) {
			throw new IllegalStateException(program + " failed: " + output);
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
