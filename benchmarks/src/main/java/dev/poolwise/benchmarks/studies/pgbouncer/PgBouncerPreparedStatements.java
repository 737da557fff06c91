package dev.poolwise.benchmarks.studies.pgbouncer;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

import com.zaxxer.hikari.HikariDataSource;
import org.jspecify.annotations.Nullable;

import dev.poolwise.benchmarks.harness.BenchmarkDatabase;
import dev.poolwise.benchmarks.harness.Console;
import dev.poolwise.benchmarks.harness.Machine;
import dev.poolwise.benchmarks.harness.Settings;
import dev.poolwise.benchmarks.report.ReportSection;
import dev.poolwise.benchmarks.studies.Study;

/**
 * What keeping pgjdbc's server-side prepared statements is worth behind PgBouncer 1.24.1 in transaction
 * pooling ({@code max_prepared_statements = 200}, its default), which Poolwise's startup probe finds and keeps:
 * two pools of 8 through the same PgBouncer, one with {@code prepareThreshold=0} (what PgBouncer mode set
 * before the probe, and still sets for a PgBouncer that does not route them) and one with pgjdbc's default.
 * 8 threads each borrow, run pgbench's select-only statement as a {@code PreparedStatement} on a random
 * account, and return; the variants take turns in alternating bursts. Needs PgBouncer 1.24.1 in
 * {@code /opt/pgbouncer-1.24.1} ({@code .ci/pgbouncer-1.24} builds it). Run with {@code -Dbench.mode=pgbouncer};
 * writes {@code pgbouncer.md}.
 */
public final class PgBouncerPreparedStatements implements Study {

	private static final Path BINARY = Path.of("/opt/pgbouncer-1.24.1/bin/pgbouncer");

	private static final int THREADS = 8;

	private static final String SELECT = "SELECT abalance FROM pgbench_accounts WHERE aid = ?";

	private static final String OFF = "prepared statements off (prepareThreshold=0)";

	private static final String KEPT = "prepared statements kept (pgjdbc's default, 5)";

	private final Settings settings;

	private String load = "unknown";

	public PgBouncerPreparedStatements(Settings settings) {
		this.settings = settings;
	}

	@Override
	public void run() throws Exception {
		if (!Files.isExecutable(BINARY)) {
			throw new IllegalStateException(BINARY + " is missing: run .ci/pgbouncer-1.24 to build PgBouncer 1.24.1");
		}
		long started = System.nanoTime();
		this.load = load();
		try (BenchmarkDatabase database = BenchmarkDatabase.start()) {
			int accounts = database.initialisePgbench();
			Path directory = Files.createTempDirectory("poolwise-bench-pgbouncer");
			Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxrwxrwx"));
			int port = freePort();
			Process pgbouncer = start(database, directory, port);
			Map<String, HikariDataSource> pools = new LinkedHashMap<>();
			Map<String, List<Burst>> bursts = new LinkedHashMap<>();
			ExecutorService workers = Executors.newFixedThreadPool(THREADS);
			try {
				String url = "jdbc:postgresql://127.0.0.1:" + port + "/" + BenchmarkDatabase.DATABASE;
				pools.put(OFF, pool(url, database, "0"));
				pools.put(KEPT, pool(url, database, null));
				List<String> names = new ArrayList<>(pools.keySet());
				for (String name : names) {
					burst(workers, pools.get(name), accounts, Duration.ofSeconds(2));
				}
				for (int round = 0; round < this.settings.rounds(); round++) {
					for (int i = 0; i < names.size(); i++) {
						String name = names.get((round + i) % names.size());
						Burst burst = burst(workers, pools.get(name), accounts, this.settings.burst());
						bursts.computeIfAbsent(name, (key) -> new ArrayList<>()).add(burst);
						Console.log("%d %-48s %9.0f ops/s  p50 %7.1f us  p99 %8.1f us  errors %d", round, name,
								burst.opsPerSecond(), burst.percentile(50), burst.percentile(99), burst.errors());
					}
				}
			}
			finally {
				workers.shutdownNow();
				pools.values().forEach(HikariDataSource::close);
				pgbouncer.destroy();
				pgbouncer.waitFor(10, TimeUnit.SECONDS);
			}
			Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
			ReportSection.write(this.settings, report(database, version(), elapsed, bursts));
		}
	}

	private String report(BenchmarkDatabase database, String version, Duration elapsed,
			Map<String, List<Burst>> bursts) throws Exception {
		StringBuilder out = new StringBuilder();
		Map<String, String> machine = new LinkedHashMap<>(Machine.describe(database));
		machine.put("PgBouncer", version + ", transaction pooling, default_pool_size 8, max_prepared_statements 200");
		ReportSection.header(out, "Prepared statements through PgBouncer 1.24.1: kept against off", this.settings,
				elapsed, machine);
		ReportSection.line(out, this.settings.rounds() + " rounds of " + this.settings.burst().toMillis()
				+ " ms bursts; in each, both variants in turn (order alternating). " + THREADS + " threads, each "
				+ "borrowing from its variant's pool of 8, running `" + SELECT + "` as a `PreparedStatement` on a "
				+ "random account of 1,000,000, and returning. Medians of the per-burst figures, with their range.");
		ReportSection.line(out, "");
		ReportSection.line(out, "| variant | ops/s | / off | p50 µs | p99 µs | errors |");
		ReportSection.line(out, "|---|---:|---:|---:|---:|---:|");
		double offMedian = median(bursts.get(OFF), Burst::opsPerSecond);
		bursts.forEach((name, rounds) -> ReportSection.line(out, "| " + name + " | "
				+ range(rounds, Burst::opsPerSecond, "%,.0f") + " | "
				+ ReportSection.format("%.2f", median(rounds, Burst::opsPerSecond) / offMedian) + " | "
				+ range(rounds, (burst) -> burst.percentile(50), "%.1f") + " | "
				+ range(rounds, (burst) -> burst.percentile(99), "%.1f") + " | "
				+ rounds.stream().mapToLong(Burst::errors).sum() + " |"));
		List<Burst> off = bursts.get(OFF);
		List<Burst> kept = bursts.get(KEPT);
		double[] ratios = new double[off.size()];
		for (int round = 0; round < ratios.length; round++) {
			ratios[round] = kept.get(round).opsPerSecond() / off.get(round).opsPerSecond();
		}
		Arrays.sort(ratios);
		ReportSection.line(out, "");
		ReportSection.line(out, "Kept / off, paired by round: median "
				+ ReportSection.format("%.2f", ratios[ratios.length / 2]) + " (" + ReportSection.format("%.2f", ratios[0])
				+ "–" + ReportSection.format("%.2f", ratios[ratios.length - 1]) + "). Load average while it ran: "
				+ this.load + " at the start, " + load() + " at the end (1, 5 and 15 minutes).");
		ReportSection.line(out, "");
		return out.toString();
	}

	private static String load() {
		try {
			String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
			return fields[0] + ", " + fields[1] + ", " + fields[2];
		}
		catch (IOException ex) {
			return "unknown";
		}
	}

	private static Process start(BenchmarkDatabase database, Path directory, int port)
			throws IOException, InterruptedException {
		Path users = directory.resolve("userlist.txt");
		Files.writeString(users, "\"" + BenchmarkDatabase.USER + "\" \"" + database.password() + "\"\n");
		Path configuration = directory.resolve("pgbouncer.ini");
		Files.writeString(configuration, String.join("\n", "[databases]",
				"* = host=127.0.0.1 port=" + database.port(), "", "[pgbouncer]", "listen_addr = 127.0.0.1",
				"listen_port = " + port, "unix_socket_dir =", "auth_type = trust", "auth_file = " + users,
				"pool_mode = transaction", "default_pool_size = 8", "max_client_conn = 100",
				"max_prepared_statements = 200", "ignore_startup_parameters = extra_float_digits",
				"logfile = " + directory.resolve("pgbouncer.log"), ""));
		List<String> command = new ArrayList<>();
		if ("root".equals(System.getProperty("user.name"))) {
			command.addAll(List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"));
		}
		command.addAll(List.of(BINARY.toString(), configuration.toString()));
		Process process = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(directory.resolve("stdout.log").toFile())
			.start();
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (System.nanoTime() < deadline) {
			try (Socket socket = new Socket("127.0.0.1", port)) {
				return process;
			}
			catch (IOException ex) {
				if (!process.isAlive()) {
					throw new IOException("PgBouncer exited: " + Files.readString(directory.resolve("stdout.log")));
				}
				Thread.sleep(50);
			}
		}
		process.destroy();
		throw new IOException("PgBouncer did not accept connections within 10 s");
	}

	private static String version() throws IOException, InterruptedException {
		Process process = new ProcessBuilder(BINARY.toString(), "--version").redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes());
		process.waitFor(10, TimeUnit.SECONDS);
		return output.lines().findFirst().orElse("PgBouncer");
	}

	private static HikariDataSource pool(String url, BenchmarkDatabase database, @Nullable String threshold) {
		Properties properties = database.credentials();
		if (threshold != null) {
			properties.setProperty("prepareThreshold", threshold);
		}
		HikariDataSource pool = new HikariDataSource();
		pool.setJdbcUrl(url);
		pool.setDataSourceProperties(properties);
		pool.setMaximumPoolSize(THREADS);
		pool.setMinimumIdle(THREADS);
		return pool;
	}

	private static Burst burst(ExecutorService workers, HikariDataSource pool, int accounts, Duration length)
			throws Exception {
		long end = System.nanoTime() + length.toNanos();
		List<Future<double[]>> runs = new ArrayList<>();
		long[] errors = new long[THREADS];
		for (int t = 0; t < THREADS; t++) {
			int thread = t;
			runs.add(workers.submit(() -> {
				double[] micros = new double[1 << 16];
				int count = 0;
				ThreadLocalRandom random = ThreadLocalRandom.current();
				while (System.nanoTime() < end) {
					long start = System.nanoTime();
					try (Connection connection = pool.getConnection();
							PreparedStatement statement = connection.prepareStatement(SELECT)) {
						statement.setInt(1, 1 + random.nextInt(accounts));
						try (ResultSet row = statement.executeQuery()) {
							row.next();
						}
					}
					catch (SQLException ex) {
						errors[thread]++;
					}
					if (count == micros.length) {
						micros = Arrays.copyOf(micros, count * 2);
					}
					micros[count++] = (System.nanoTime() - start) / 1e3;
				}
				return Arrays.copyOf(micros, count);
			}));
		}
		List<double[]> all = new ArrayList<>();
		for (Future<double[]> run : runs) {
			all.add(run.get());
		}
		double[] micros = all.stream().flatMapToDouble(Arrays::stream).toArray();
		Arrays.sort(micros);
		return new Burst(micros, length, Arrays.stream(errors).sum());
	}

	private static double median(List<Burst> bursts, ToDoubleFunction<Burst> figure) {
		double[] values = bursts.stream().mapToDouble(figure).sorted().toArray();
		return values[values.length / 2];
	}

	private static String range(List<Burst> bursts, ToDoubleFunction<Burst> figure,
			String format) {
		double[] values = bursts.stream().mapToDouble(figure).sorted().toArray();
		return ReportSection.format(format, values[values.length / 2]) + " (" + ReportSection.format(format, values[0])
				+ "–" + ReportSection.format(format, values[values.length - 1]) + ")";
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	/**
	 * One burst of one variant.
	 *
	 * @param micros every operation's time, sorted
	 * @param length the burst's length
	 * @param errors failed operations
	 */
	private record Burst(double[] micros, Duration length, long errors) {

		double opsPerSecond() {
			return this.micros.length / (this.length.toNanos() / 1e9);
		}

		double percentile(int percentile) {
			return this.micros[Math.min(this.micros.length - 1,
					(int) Math.ceil(percentile / 100.0 * this.micros.length) - 1)];
		}

	}

}
