package dev.poolwise.benchmarks.studies.virtualthreads;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.sun.management.OperatingSystemMXBean;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.poolwise.hikari.HikariVersion;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import dev.poolwise.benchmarks.harness.BenchmarkDatabase;
import dev.poolwise.benchmarks.harness.ClientLoad;
import dev.poolwise.benchmarks.harness.TrialResult;

/**
 * One client JVM of the virtual-thread comparison, with one HikariCP version on its class path: it builds a
 * pool and, each time the parent writes {@code burst <warm-up ms> <measured ms>} on its standard input, runs
 * 1,000 virtual threads against it and answers with one {@link BurstResult} line. Between bursts it is idle,
 * so the other version's burst has the machine to itself. Two versions of HikariCP cannot share a
 * classloader, and a process's CPU time is the one measure that includes the carrier threads the virtual
 * threads spin on.
 */
public final class VirtualThreadBursts {

	/** First line on standard output, followed by the HikariCP version the pool was loaded from. */
	static final String READY = "ready";

	/** Environment variable with the benchmark role's password, kept off the command line. */
	static final String PASSWORD = "BENCH_PASSWORD";

	/** Poolwise's defaults: {@code db.pool.size=10} kept open, {@code db.pool.overflow=10} on top. */
	static final int MINIMUM_IDLE = 10;

	static final int MAXIMUM_POOL_SIZE = 20;

	private final HikariDataSource dataSource;

	private final int accounts;

	private final int clients;

	private final Recorder borrows = new Recorder(TrialResult.HIGHEST_NANOS, 3);

	/** Since when each thread inside {@code getConnection()} has been waiting. */
	private final Map<Thread, Long> waitingSince = new ConcurrentHashMap<>();

	private VirtualThreadBursts(HikariDataSource dataSource, int accounts, int clients) {
		this.dataSource = dataSource;
		this.accounts = accounts;
		this.clients = clients;
	}

	/**
	 * @param args the JDBC URL, the number of accounts, the number of virtual threads
	 */
	public static void main(String[] args) throws Exception {
		HikariConfig config = new HikariConfig();
		config.setJdbcUrl(args[0]);
		config.setUsername(BenchmarkDatabase.USER);
		config.setPassword(System.getenv(PASSWORD));
		config.setMinimumIdle(MINIMUM_IDLE);
		config.setMaximumPoolSize(MAXIMUM_POOL_SIZE);
		config.setPoolName("hikari-" + HikariVersion.installed());
		try (HikariDataSource dataSource = new HikariDataSource(config)) {
			VirtualThreadBursts bursts = new VirtualThreadBursts(dataSource, Integer.parseInt(args[1]),
					Integer.parseInt(args[2]));
			BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
			System.out.println(READY + " " + HikariVersion.installed());
			System.out.flush();
			for (String command = commands.readLine(); command != null && command.startsWith("burst ");
					command = commands.readLine()) {
				String[] millis = command.split(" ");
				System.out.println(bursts.run(Long.parseLong(millis[1]), Long.parseLong(millis[2])).toLine());
				System.out.flush();
			}
		}
	}

	/**
	 * Runs one burst. Operations count when they end inside the measured window, as in {@link ClientLoad}.
	 * A pool that serves some threads over and over while others wait would look fast by that count alone,
	 * so the {@code getConnection()} percentile also counts every thread still waiting when the window
	 * closes, with its wait so far.
	 */
	private BurstResult run(long warmupMillis, long measureMillis) throws InterruptedException {
		ClientLoad load = new ClientLoad(this::timedBorrow, this.clients, true, this.accounts);
		load.start();
		long cpuBefore;
		long started;
		long cpuAfter;
		long ended;
		Histogram borrowed;
		int stillWaiting;
		try {
			Thread.sleep(warmupMillis);
			this.borrows.reset();
			cpuBefore = processCpuNanos();
			started = System.nanoTime();
			load.beginMeasurement();
			Thread.sleep(measureMillis);
			cpuAfter = processCpuNanos();
			ended = System.nanoTime();
			borrowed = this.borrows.getIntervalHistogram();
			List<Long> waits = List.copyOf(this.waitingSince.values());
			stillWaiting = waits.size();
			for (long since : waits) {
				borrowed.recordValue(Math.min(Math.max(ended - since, 0), TrialResult.HIGHEST_NANOS));
			}
		}
		finally {
			load.stop();
		}
		TrialResult result = load.result();
		return new BurstResult(result.operations(), (ended - started) / 1e9, cpuAfter - cpuBefore, result.p99(),
				borrowed.getValueAtPercentile(99) / 1e6, stillWaiting, result.errors());
	}

	private Connection timedBorrow() throws SQLException {
		Thread thread = Thread.currentThread();
		long started = System.nanoTime();
		this.waitingSince.put(thread, started);
		try {
			Connection connection = this.dataSource.getConnection();
			this.borrows.recordValue(Math.min(System.nanoTime() - started, TrialResult.HIGHEST_NANOS));
			return connection;
		}
		finally {
			this.waitingSince.remove(thread);
		}
	}

	private static long processCpuNanos() {
		return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
	}

}
