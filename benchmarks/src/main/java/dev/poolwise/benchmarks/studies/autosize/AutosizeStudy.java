package dev.poolwise.benchmarks.studies.autosize;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.poolwise.benchmarks.harness.Settings;
import dev.poolwise.benchmarks.report.ReportSection;
import dev.poolwise.benchmarks.studies.Study;

/**
 * The autosizing study ({@code -Dbench.mode=autosizing}): Spring Boot's fixed 10, a fixed pool hand-tuned to
 * the knee of workload 1, FlexyPool's increment-on-timeout strategy and Poolwise's autosize, on the same
 * HikariCP against embedded PostgreSQL, under a step load, spikes and a CPU-bound server, then a fleet of three
 * autosized JVMs against max_connections=50, as an ordinary role with and without pg_read_all_stats.
 * {@code -Dbench.autosize.scale} stretches or shortens every phase; {@code -Dbench.autosize.only=fleet} runs
 * workload 4 alone into {@code autosizing-fleet.md}, and {@code -Dbench.autosize.only=cpu} workload 3 with its
 * knee sweep into {@code autosizing-cpu.md}.
 */
public final class AutosizeStudy implements Study {

	private static final Pattern GUARANTEED = Pattern.compile("guaranteed (\\d+)");

	/** Rounds of workload 3 and of its knee sweep. */
	private static final int CPU_ROUNDS = 3;

	private static final int HOLD_ROUNDS = 3;

	private static final int HOLD_SECONDS = 15;

	/** Fixed sizes of workload 3's knee sweep. */
	private static final int[] CPU_SIZES = { 2, 4, 6, 8, 10, 16, 40 };

	/** Measured window of each size of workload 3's knee sweep, once the pool opened its connections. */
	private static final double CPU_SWEEP_SECONDS = 4;

	private final Settings settings;

	public AutosizeStudy(Settings settings) {
		this.settings = settings;
	}

	@Override
	public void run() throws Exception {
		((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(Level.WARN);
		((Logger) LoggerFactory.getLogger("dev.poolwise.autosize")).setLevel(Level.INFO);
		((Logger) LoggerFactory.getLogger("com.vladmihalcea")).setLevel(Level.ERROR);
		long started = System.nanoTime();
		double scale = this.settings.autosizeScale();
		StringBuilder body = new StringBuilder();
		if (this.settings.autosizeCpuOnly()) {
			cpuOnly(body, scale);
		}
		else if (this.settings.autosizeHoldOnly()) {
			holdOnly(body);
		}
		else {
			if (!this.settings.autosizeFleetOnly()) {
				singleInstance(body, scale);
			}
			for (boolean readAllStats : new boolean[] { true, false }) {
				try (EmbeddedPostgres small = EmbeddedPostgres.builder()
					.setServerConfig("max_connections", "50")
					.start()) {
					String url = "jdbc:postgresql://localhost:" + small.getPort() + "/postgres";
					fleet(body, url, role(url, readAllStats), scale);
				}
			}
		}
		StringBuilder report = new StringBuilder();
		ReportSection.header(report, "Autosizing: Poolwise autosize against fixed pools and FlexyPool", this.settings,
				Duration.ofNanos(System.nanoTime() - started), machine());
		report.append(body);
		if (this.settings.autosizeFleetOnly() || this.settings.autosizeCpuOnly() || this.settings.autosizeHoldOnly()) {
			Files.createDirectories(this.settings.output());
			String file = this.settings.autosizeCpuOnly() ? "autosizing-cpu.md"
					: this.settings.autosizeHoldOnly() ? "autosizing-hold.md" : "autosizing-fleet.md";
			Files.writeString(this.settings.output().resolve(file), report, StandardCharsets.UTF_8);
			System.out.println(report);
		}
		else {
			ReportSection.write(this.settings, report.toString());
		}
	}

	private static Map<String, String> machine() {
		Map<String, String> machine = new LinkedHashMap<>();
		machine.put("cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
		machine.put("Java", Runtime.version().toString());
		return machine;
	}

	/**
	 * Workloads 1 to 3, each contender on its own pool against one server.
	 */
	private static void singleInstance(StringBuilder report, double scale) throws Exception {
		try (EmbeddedPostgres server = EmbeddedPostgres.builder().setServerConfig("max_connections", "300").start()) {
			String url = "jdbc:postgresql://localhost:" + server.getPort() + "/postgres";
			double cpuMillis = calibrate(url);
			Map<Integer, Double> sweep1 = sweep(url, Workload.WORK, 100, new int[] { 10, 20, 30, 40, 50 });
			int knee1 = knee(sweep1);
			Map<String, List<Result>> results = new LinkedHashMap<>();
			List<Workload> workloads = List.of(Workload.step(scale), Workload.spikes(scale));
			for (int w = 0; w < workloads.size(); w++) {
				List<Result> list = new ArrayList<>();
				for (int c = 0; c < 4; c++) {
					list.add(run(workloads.get(w), contender((c + w) % 4, url, knee1)));
				}
				list.sort((a, b) -> order(a.contender()) - order(b.contender()));
				results.put(workloads.get(w).name(), list);
			}
			AutosizeReport.header(report, cpuMillis, sweep1, knee1, scale);
			results.forEach((name, list) -> AutosizeReport.workload(report, name, list));
			cpuBound(report, url, scale);
		}
	}

	/**
	 * The hold case of issue 28 ({@code -Dbench.autosize.only=hold}): 40 callers that each hold a connection
	 * 50ms against an idle server arrive at once for {@value #HOLD_SECONDS}s, on plain Hikari opening
	 * connections on demand from 2 up to 40 and on autosize between the same bounds with its defaults, the load
	 * arriving once the controller runs (the case) and with the application, before the controller's
	 * first tick, in {@value #HOLD_ROUNDS} rounds that rotate which goes first.
	 */
	private static void holdOnly(StringBuilder report) throws Exception {
		try (EmbeddedPostgres server = EmbeddedPostgres.builder().setServerConfig("max_connections", "300").start()) {
			String url = "jdbc:postgresql://localhost:" + server.getPort() + "/postgres";
			report.append("Run ").append(now()).append(" on ").append(Runtime.getRuntime().availableProcessors())
				.append(" cores shared with other work. Each round: 40 client threads of `SELECT pg_sleep(0.05)` ")
				.append("start at once on a pool that holds 2 connections, for ")
				.append(HOLD_SECONDS)
				.append("s; plain Hikari (minimum idle 2, maximum 40) and Poolwise autosize (size 2, ceiling 40, ")
				.append("its defaults), the load arriving once the controller's first tick has passed (plain ")
				.append("Hikari idles as long) or with the application, before that tick; the order rotates ")
				.append("every round. Open connections sampled every 50ms.\n\n")
				.append("| round | pool | calls | of plain Hikari's | timeouts | 36 open after | 40 open after |\n")
				.append("|---:|---|---:|---:|---:|---:|---:|\n");
			for (int round = 1; round <= HOLD_ROUNDS; round++) {
				long[][] held = new long[3][];
				for (int i = 0; i < 3; i++) {
					int which = (i + round) % 3;
					try (Contender pool = (which == 0) ? Contender.elastic("hikari-2..40", url, 2, 40)
							: Contender.autosize("autosize-2..40", url, 2, 40)) {
						held[which] = hold(pool, which != 2);
					}
				}
				holdRow(report, round, "plain Hikari 2..40", held[0], held[0]);
				holdRow(report, round, "autosize 2..40, load once the controller runs", held[1], held[0]);
				holdRow(report, round, "autosize 2..40, load with the application", held[2], held[0]);
			}
		}
	}

	/**
	 * One hold run: calls, timeouts, milliseconds until 36 and 40 connections were open (-1 for never).
	 * @param afterFirstTick whether the load waits for the controller's first tick (plain Hikari idles as long)
	 */
	private static long[] hold(Contender pool, boolean afterFirstTick) throws Exception {
		if (afterFirstTick) {
			// As in the case, the load arrives once the controller runs: its first tick, which only
			// measures, has passed; plain Hikari gets the same idle time.
			long idle = System.nanoTime() + Duration.ofSeconds(5).toNanos();
			while (System.nanoTime() < idle && (pool.state() == null || pool.state().mode().equals("MEASURING"))) {
				Thread.sleep(20);
			}
			if (pool.state() == null) {
				Thread.sleep(Contender.AUTOSIZE.interval().toMillis() + 100);
			}
		}
		long start = System.nanoTime();
		long end = start + Duration.ofSeconds(HOLD_SECONDS).toNanos();
		long at36 = -1;
		long at40 = -1;
		try (Clients clients = new Clients(pool.dataSource(), "SELECT pg_sleep(0.05)", 40)) {
			clients.active(40);
			while (System.nanoTime() < end) {
				int open = pool.hikari().getHikariPoolMXBean().getTotalConnections();
				long elapsed = (System.nanoTime() - start) / 1_000_000;
				at36 = (at36 < 0 && open >= 36) ? elapsed : at36;
				at40 = (at40 < 0 && open >= 40) ? elapsed : at40;
				Thread.sleep(50);
			}
			clients.active(0);
			return new long[] { clients.done(), clients.timeouts(), at36, at40 };
		}
	}

	private static void holdRow(StringBuilder report, int round, String pool, long[] held, long[] plain) {
		report.append("| ").append(round).append(" | ").append(pool).append(" | ").append(held[0]).append(" | ")
			.append(AutosizeReport.format("%.2f", (double) held[0] / Math.max(1, plain[0]))).append(" | ")
			.append(held[1]).append(" | ").append(seconds(held[2])).append(" | ").append(seconds(held[3]))
			.append(" |\n");
	}

	private static String seconds(long millis) {
		return (millis < 0) ? "not within the run" : AutosizeReport.format("%.1fs", millis / 1000.0);
	}

	/**
	 * Workload 3 alone ({@code -Dbench.autosize.only=cpu}), on a server of its own.
	 */
	private static void cpuOnly(StringBuilder report, double scale) throws Exception {
		try (EmbeddedPostgres server = EmbeddedPostgres.builder().setServerConfig("max_connections", "300").start()) {
			String url = "jdbc:postgresql://localhost:" + server.getPort() + "/postgres";
			report.append("Run ").append(now()).append(" on ").append(Runtime.getRuntime().availableProcessors())
				.append(" cores shared with other work (-Dbench.autosize.scale=").append(scale).append("), `")
				.append(Workload.CPU).append("` (").append(AutosizeReport.format("%.1f", calibrate(url)))
				.append("ms of server CPU alone).\n\n");
			cpuBound(report, url, scale);
		}
	}

	/**
	 * Workload 3: the knee swept with fixed pools, then the contenders, each in {@value #CPU_ROUNDS} rounds
	 * in an order rotated every round, so a slow spell of the shared machine falls on different sizes.
	 */
	private static void cpuBound(StringBuilder report, String url, double scale) throws Exception {
		Map<Integer, List<Result>> sweep = new LinkedHashMap<>();
		for (int size : CPU_SIZES) {
			sweep.put(size, new ArrayList<>());
		}
		for (int round = 0; round < CPU_ROUNDS; round++) {
			for (int i = 0; i < CPU_SIZES.length; i++) {
				int size = CPU_SIZES[(i + round * 3) % CPU_SIZES.length];
				try (Contender pool = Contender.fixed("sweep-" + size, url, size)) {
					filled(pool, size);
					sweep.get(size).add(run(Workload.peakOnly(Workload.CPU, 40, CPU_SWEEP_SECONDS), pool));
				}
			}
		}
		Map<Integer, Double> medians = new LinkedHashMap<>();
		sweep.forEach((size, results) -> medians.put(size, median(results, Result::throughput)));
		int knee = knee(medians);
		Workload workload = Workload.cpu(scale);
		List<String> names = new ArrayList<>(List.of("boot-fixed-10", "knee-fixed-" + knee, "flexypool-10+40",
				"poolwise-autosize-10..50", "poolwise-autosize-2..50"));
		if (knee == 10) {
			names.remove("knee-fixed-10");
		}
		Map<String, List<Result>> results = new LinkedHashMap<>();
		names.forEach((name) -> results.put(name, new ArrayList<>()));
		for (int round = 0; round < CPU_ROUNDS; round++) {
			for (int i = 0; i < names.size(); i++) {
				String name = names.get((i + round * 2) % names.size());
				results.get(name).add(run(workload, cpuContender(name, url, knee)));
			}
		}
		AutosizeReport.cpu(report, workload, sweep, knee, results, CPU_SWEEP_SECONDS);
	}

	private static Contender cpuContender(String name, String url, int knee) throws SQLException {
		return switch (name) {
			case "boot-fixed-10" -> Contender.fixed(name, url, 10);
			case "flexypool-10+40" -> Contender.flexy(name, url);
			case "poolwise-autosize-10..50" -> Contender.autosize(name, url, 10, 50);
			case "poolwise-autosize-2..50" -> Contender.autosize(name, url, 2, 50);
			default -> Contender.fixed(name, url, knee);
		};
	}

	/**
	 * Waits until a fixed pool opened its connections, so a sweep window measures the size, not its start.
	 */
	private static void filled(Contender pool, int size) throws InterruptedException, SQLException {
		try (Connection connection = pool.hikari().getConnection()) {
			connection.isValid(1);
		}
		long deadline = System.nanoTime() + 10_000_000_000L;
		while (pool.hikari().getHikariPoolMXBean().getTotalConnections() < size && System.nanoTime() < deadline) {
			Thread.sleep(20);
		}
	}

	static double median(List<Result> results, java.util.function.ToDoubleFunction<Result> value) {
		double[] values = results.stream().mapToDouble(value).sorted().toArray();
		int n = values.length;
		return (n == 0) ? 0 : (n % 2 == 1) ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
	}

	private static int order(String contender) {
		return contender.startsWith("boot") ? 0 : contender.startsWith("knee") ? 1
				: contender.startsWith("flexy") ? 2 : 3;
	}

	private static Contender contender(int index, String url, int knee) throws SQLException {
		return switch (index) {
			case 0 -> Contender.fixed("boot-fixed-10", url, 10);
			case 1 -> Contender.fixed("knee-fixed-" + knee, url, knee);
			case 2 -> Contender.flexy("flexypool-10+40", url);
			default -> Contender.autosize("poolwise-autosize-10..50", url, 10, 50);
		};
	}

	/**
	 * Server time of one CPU-bound statement, alone.
	 */
	private static double calibrate(String url) throws SQLException {
		try (Connection connection = connect(url, "calibrate"); Statement statement = connection.createStatement()) {
			for (int i = 0; i < 20; i++) {
				statement.execute(Workload.CPU);
			}
			long start = System.nanoTime();
			for (int i = 0; i < 50; i++) {
				statement.execute(Workload.CPU);
			}
			return (System.nanoTime() - start) / 50 / 1e6;
		}
	}

	private static Map<Integer, Double> sweep(String url, String sql, int clients, int[] sizes) throws Exception {
		Map<Integer, Double> throughput = new LinkedHashMap<>();
		for (int size : sizes) {
			try (Contender pool = Contender.fixed("sweep-" + size, url, size)) {
				Result result = run(Workload.peakOnly(sql, clients, 3), pool);
				throughput.put(size, result.throughput());
			}
		}
		return throughput;
	}

	/**
	 * The smallest size within 5% of the best throughput.
	 */
	private static int knee(Map<Integer, Double> sweep) {
		double best = sweep.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
		return sweep.entrySet().stream().filter((entry) -> entry.getValue() >= 0.95 * best).findFirst()
			.map(Map.Entry::getKey).orElseThrow();
	}

	static Result run(Workload workload, Contender contender) throws Exception {
		try (contender; ServerSampler sampler = new ServerSampler(contender.hikari().getJdbcUrl(), contender.name(),
				contender::maximum); Clients clients = new Clients(contender.dataSource(), workload.sql(),
						workload.threads())) {
			long offset = sampler.elapsedMillis();
			long loadedEnd = offset + workload.loadedMillis();
			long done = 0;
			long timeouts = 0;
			long elapsed = 0;
			long steadyFromDone = -1;
			long steadyToDone = -1;
			for (Workload.Phase phase : workload.phases()) {
				if (elapsed == workload.loadedMillis()) {
					done = clients.done();
					timeouts = clients.timeouts();
				}
				clients.active(phase.clients());
				long phaseEnd = elapsed + phase.millis();
				for (long mark : new long[] { workload.steadyFromMillis(), workload.steadyToMillis() }) {
					if (mark > elapsed && mark <= phaseEnd) {
						Thread.sleep(mark - elapsed);
						elapsed = mark;
						if (mark == workload.steadyFromMillis()) {
							steadyFromDone = clients.done();
						}
						else {
							steadyToDone = clients.done();
						}
					}
				}
				Thread.sleep(phaseEnd - elapsed);
				elapsed = phaseEnd;
			}
			if (elapsed == workload.loadedMillis()) {
				done = clients.done();
				timeouts = clients.timeouts();
			}
			double steadyThroughput = (steadyFromDone >= 0 && steadyToDone >= 0) ? (steadyToDone - steadyFromDone)
					/ ((workload.steadyToMillis() - workload.steadyFromMillis()) / 1000.0) : -1;
			List<ServerSampler.Sample> samples = sampler.samples();
			double meanHeld = samples.stream().filter((s) -> s.millis() >= offset && s.millis() < loadedEnd)
				.mapToInt(ServerSampler.Sample::held).average().orElse(0);
			int idleHeld = (workload.idleFromMillis() >= 0) ? samples.get(samples.size() - 1).held() : -1;
			int resizes = -1;
			if (workload.steadyFromMillis() >= 0) {
				resizes = 0;
				ServerSampler.Sample previous = null;
				for (ServerSampler.Sample sample : samples) {
					long at = sample.millis() - offset;
					if (at >= workload.steadyFromMillis() && at <= workload.steadyToMillis()) {
						if (previous != null && previous.max() != sample.max()) {
							resizes++;
						}
						previous = sample;
					}
				}
			}
			int finalMax = samples.stream().filter((s) -> s.millis() < loadedEnd).reduce((a, b) -> b)
				.map(ServerSampler.Sample::max).orElse(contender.maximum());
			int peakMax = samples.stream().mapToInt(ServerSampler.Sample::max).max().orElse(0);
			Result result = new Result(contender.name(), done / (workload.loadedMillis() / 1000.0), steadyThroughput,
					clients.waits(),
					timeouts, clients.errors(), meanHeld, idleHeld, resizes,
					(workload.steadyToMillis() - workload.steadyFromMillis()) / 1000.0, finalMax, peakMax, samples);
			System.out.printf(Locale.ROOT, "%s / %s: %.0f/s, p99 %.1fms, %d timeouts, max %d (peak %d)%n",
					workload.name(), contender.name(), result.throughput(), result.waitMillis(99), timeouts,
					finalMax, peakMax);
			return result;
		}
	}

	/**
	 * The ordinary role the fleet logs in as, with or without {@code pg_read_all_stats}.
	 */
	private static String role(String url, boolean readAllStats) throws SQLException {
		String role = readAllStats ? "fleet_reads_all_stats" : "fleet_sees_own_sessions";
		try (Connection connection = connect(url, "fleet-setup"); Statement statement = connection.createStatement()) {
			statement.execute("CREATE ROLE " + role + " LOGIN");
			if (readAllStats) {
				statement.execute("GRANT pg_read_all_stats TO " + role);
			}
		}
		return role;
	}

	/**
	 * Three JVMs of one application, logging in as an ordinary role, against max_connections=50: the first
	 * busy from the start, the other two idle until {@code lateStart}, then busy too.
	 */
	private static void fleet(StringBuilder report, String url, String role, double scale) throws Exception {
		double lateStart = 12 * scale;
		double end = 30 * scale;
		long epoch = System.currentTimeMillis() + 20_000;
		List<List<long[]>> states = new ArrayList<>();
		List<Process> members = new ArrayList<>();
		List<Thread> readers = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			String from = Double.toString((i == 0) ? 0 : lateStart);
			Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
					"-Xmx192m", "-cp", System.getProperty("java.class.path"), FleetMember.class.getName(), url,
					Long.toString(epoch), from, Double.toString(end), "60", role)
				.redirectErrorStream(true)
				.start();
			List<long[]> lines = new CopyOnWriteArrayList<>();
			states.add(lines);
			members.add(process);
			Thread reader = new Thread(() -> read(process, lines), "fleet-reader-" + i);
			reader.setDaemon(true);
			reader.start();
			readers.add(reader);
		}
		List<long[]> server = new ArrayList<>();
		try (Connection connection = connect(url, "fleet-sampler");
				PreparedStatement statement = connection.prepareStatement("SELECT "
						+ "count(*) FILTER (WHERE backend_type = 'client backend')::int, "
						+ "count(*) FILTER (WHERE application_name = 'fleet')::int, "
						+ "current_setting('max_connections')::int - current_setting('superuser_reserved_connections')::int "
						+ "FROM pg_stat_activity")) {
			while (System.currentTimeMillis() < epoch + Math.round(end * 1000)) {
				long at = System.currentTimeMillis();
				try (ResultSet row = statement.executeQuery()) {
					row.next();
					server.add(new long[] { at - epoch, row.getInt(1), row.getInt(2), row.getInt(3) });
				}
				Thread.sleep(Math.max(1, 100 - (System.currentTimeMillis() - at)));
			}
		}
		for (Process process : members) {
			process.waitFor();
		}
		for (Thread reader : readers) {
			reader.join(5000);
		}
		AutosizeReport.fleet(report, role, server, states, Math.round(lateStart * 1000), Math.round(end * 1000));
	}

	/**
	 * Reads a member's STATE lines: millis, max, open, guaranteed, done, timeouts, refused logins.
	 */
	private static void read(Process process, List<long[]> lines) {
		try (BufferedReader reader = new BufferedReader(
				new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = reader.readLine()) != null) {
				if (!line.startsWith("STATE ")) {
					if (line.contains("Poolwise autosize") || line.contains("Exception")) {
						System.out.println("fleet " + process.pid() + ": " + line);
					}
					continue;
				}
				String[] parts = line.split(" ");
				Matcher guaranteed = GUARANTEED.matcher(line);
				lines.add(new long[] { Long.parseLong(parts[1]), Long.parseLong(parts[2]), Long.parseLong(parts[3]),
						guaranteed.find() ? Long.parseLong(guaranteed.group(1)) : -1,
						Long.parseLong(parts[parts.length - 2]), Long.parseLong(parts[parts.length - 1]),
						Long.parseLong(parts[parts.length - 3]) });
			}
		}
		catch (IOException ex) {
			System.out.println("fleet member output lost: " + ex.getMessage());
		}
	}

	static Connection connect(String url, String applicationName) throws SQLException {
		Properties properties = new Properties();
		properties.setProperty("user", "postgres");
		properties.setProperty("ApplicationName", applicationName);
		return DriverManager.getConnection(url, properties);
	}

	static String now() {
		return Instant.now().toString();
	}

}
