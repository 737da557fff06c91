package dev.poolwise.benchmarks.studies.replicas;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.LazyConnectionDataSourceProxy;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.poolwise.autoconfigure.PoolwiseAutoConfiguration;
import dev.poolwise.benchmarks.harness.Console;
import dev.poolwise.benchmarks.harness.Settings;
import dev.poolwise.benchmarks.report.ReportSection;
import dev.poolwise.benchmarks.studies.Study;
import dev.poolwise.test.ReplicatedServers;

/**
 * Poolwise's read replicas against the setup users write by hand today, a
 * {@code LazyConnectionDataSourceProxy} with {@code setReadOnlyDataSource} over two Hikari pools, on a primary
 * and one asynchronous standby: where read-only transactions run under an 80/20 mix, stale reads right after
 * the thread's own write with 2 s of replay delay, and the cost of routing in alternating bursts.
 */
public final class ReadReplicas implements Study {

	private static final int THREADS = 4;

	private static final int WRITE_THEN_READ = 200;

	private final Settings settings;

	public ReadReplicas(Settings settings) {
		this.settings = settings;
	}

	@Override
	public void run() throws Exception {
		long started = System.nanoTime();
		StringBuilder out = new StringBuilder();
		Map<String, String> machine = new LinkedHashMap<>();
		machine.put("cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
		machine.put("JDK", Runtime.version().toString());
		machine.put("PostgreSQL", "15 (Debian), primary + 1 asynchronous standby (pg_basebackup), loopback");
		try (ReplicatedServers cluster = ReplicatedServers.startAsynchronous(1)) {
			try (Connection connection = cluster.connectPrimary(); Statement statement = connection.createStatement()) {
				statement.execute("CREATE TABLE bench_rows (id bigserial PRIMARY KEY, name text)");
			}
			try (ConfigurableApplicationContext poolwise = poolwise(cluster, true);
					ConfigurableApplicationContext withoutOwnWrites = poolwise(cluster, false);
					HandWritten hand = new HandWritten(cluster)) {
				Variant routed = new Variant("Poolwise", poolwise.getBean(JdbcTemplate.class),
						poolwise.getBean(PlatformTransactionManager.class));
				Variant unchecked = new Variant("Poolwise, read-your-writes off",
						withoutOwnWrites.getBean(JdbcTemplate.class),
						withoutOwnWrites.getBean(PlatformTransactionManager.class));
				Variant manual = new Variant("hand-written", hand.jdbc, hand.transactions);
				mix(out, cluster, routed, unchecked, manual);
				cluster.delayStandby(0, Duration.ofSeconds(2));
				stale(out, routed, unchecked, manual);
				cluster.delayStandby(0, Duration.ZERO);
				Thread.sleep(3000);
				overhead(out, cluster, manual, routed, unchecked);
			}
		}
		StringBuilder report = new StringBuilder();
		ReportSection.header(report, "Read replicas", this.settings, Duration.ofNanos(System.nanoTime() - started),
				machine);
		ReportSection.write(this.settings, report.append(out).toString());
	}

	private void mix(StringBuilder out, ReplicatedServers cluster, Variant... variants) throws InterruptedException {
		ReportSection.line(out, "## 80% read-only transactions, 20% writes, " + THREADS + " threads, no lag");
		ReportSection.line(out, "");
		ReportSection.line(out, "Each thread writes too, so a read right after the thread's own write runs on the "
				+ "replica only once the replica has replayed it (Poolwise); the counts are not a throughput "
				+ "comparison (the runs are not paired: the routing cost below is).");
		ReportSection.line(out, "");
		ReportSection.line(out, "| setup | read-only on the replica | writes on the replica | transactions |");
		ReportSection.line(out, "|---|---|---|---|");
		for (Variant variant : variants) {
			long[] counts = new long[4];
			runThreads(this.settings.measure().multipliedBy(2), () -> {
				boolean write = mixWrite();
				int port = write ? variant.write() : variant.readPort();
				synchronized (counts) {
					counts[write ? 2 : 0]++;
					if (port != cluster.primaryPort()) {
						counts[write ? 3 : 1]++;
					}
				}
			});
			String share = ReportSection.format("%.1f%%", 100.0 * counts[1] / counts[0]);
			ReportSection.line(out, "| " + variant.name + " | " + share + " | " + counts[3] + " | "
					+ (counts[0] + counts[2]) + " |");
			Console.log("mix " + variant.name + ": " + counts[1] + " of " + counts[0] + " reads on the replica");
		}
		ReportSection.line(out, "");
	}

	private void stale(StringBuilder out, Variant... variants) {
		ReportSection.line(out,
				"## Write, then read it back on the same thread, 2 s replay delay (`recovery_min_apply_delay`)");
		ReportSection.line(out, "");
		ReportSection.line(out, "Poolwise runs with `db.pool.replicas.max-lag: 10s`, so the delayed replica stays in "
				+ "rotation and only read-your-writes keeps the read off it.");
		ReportSection.line(out, "");
		ReportSection.line(out, "| setup | stale reads | of |");
		ReportSection.line(out, "|---|---|---|");
		for (Variant variant : variants) {
			int stale = 0;
			for (int i = 0; i < WRITE_THEN_READ; i++) {
				String name = variant.name + "-" + i + "-" + System.nanoTime();
				variant.insert(name);
				if (variant.count(name) == 0) {
					stale++;
				}
			}
			ReportSection.line(out, "| " + variant.name + " | " + stale + " | " + WRITE_THEN_READ + " |");
			Console.log("stale " + variant.name + ": " + stale + " of " + WRITE_THEN_READ);
		}
		ReportSection.line(out, "");
	}

	private static boolean mixWrite() {
		return ThreadLocalRandom.current().nextInt(5) == 0;
	}

	private void overhead(StringBuilder out, ReplicatedServers cluster, Variant manual, Variant... routedVariants)
			throws InterruptedException {
		ReportSection.line(out, "## Routing cost, " + this.settings.rounds() + " alternating rounds of "
				+ this.settings.burst().toMillis() + " ms bursts, " + THREADS + " threads");
		ReportSection.line(out, "");
		ReportSection.line(out, "Read-only transactions run on the replica in every setup. A write on Poolwise with "
				+ "read-your-writes on marks the time its connection is given back; the thread's next read-only "
				+ "transaction takes the primary's WAL position from the first sample after that write, shared "
				+ "by every thread waiting for one, and checks the replica's replay position when its last "
				+ "known one is older. The mix is the 80/20 load above, paired: in it Poolwise may send a read "
				+ "to the primary when the replica has not replayed the thread's write yet. On two shared cores the "
				+ "throughput of a round wanders by tens of percent; the client threads' CPU time per transaction "
				+ "(ThreadMXBean) does not depend on the server, so the routing's own cost is read off as the extra "
				+ "client CPU against the time one transaction takes (threads / throughput of the hand-written setup).");
		ReportSection.line(out, "");
		ReportSection.line(out, "| setup | transaction | throughput against hand-written, median of rounds "
				+ "| client CPU per transaction, hand-written -> Poolwise (µs, median) "
				+ "| extra client CPU, share of a transaction's time | rounds |");
		ReportSection.line(out, "|---|---|---|---|---|---|");
		for (Variant routed : routedVariants) {
			for (Load load : Load.values()) {
				ratios(out, cluster, routed, manual, load);
			}
		}
		ReportSection.line(out, "");
	}

	private void ratios(StringBuilder out, ReplicatedServers cluster, Variant routed, Variant manual, Load load)
			throws InterruptedException {
		List<Double> ratios = new ArrayList<>();
		List<Double> cpuRouted = new ArrayList<>();
		List<Double> cpuManual = new ArrayList<>();
		List<Double> rateManual = new ArrayList<>();
		for (int round = 0; round < this.settings.rounds(); round++) {
			boolean routedFirst = round % 2 == 0;
			Burst first = burst(routedFirst ? routed : manual, load);
			Burst second = burst(routedFirst ? manual : routed, load);
			Burst ours = routedFirst ? first : second;
			Burst theirs = routedFirst ? second : first;
			ratios.add(ours.perSecond() / theirs.perSecond());
			cpuRouted.add(ours.cpuMicros());
			cpuManual.add(theirs.cpuMicros());
			rateManual.add(theirs.perSecond());
		}
		double median = median(ratios);
		double transactionMicros = THREADS * 1e6 / median(rateManual);
		double share = (median(cpuRouted) - median(cpuManual)) / transactionMicros;
		ReportSection.line(out, "| " + routed.name + " | " + load.label + " | " + ReportSection.format("%.3f", median)
				+ " | " + ReportSection.format("%.0f", median(cpuManual)) + " -> "
				+ ReportSection.format("%.0f", median(cpuRouted)) + " | " + ReportSection.format("%+.1f%%", 100 * share)
				+ " | "
				+ sorted(ratios).stream().map((ratio) -> ReportSection.format("%.2f", ratio)).toList() + " |");
		Console.log("overhead " + routed.name + " " + load + ": median ratio " + median + ", client CPU "
				+ median(cpuManual) + " -> " + median(cpuRouted) + " us per transaction of " + transactionMicros + " us");
	}

	private static List<Double> sorted(List<Double> values) {
		List<Double> copy = new ArrayList<>(values);
		copy.sort(null);
		return copy;
	}

	private static double median(List<Double> values) {
		return sorted(values).get(values.size() / 2);
	}

	private Burst burst(Variant variant, Load load) throws InterruptedException {
		long[] done = new long[1];
		Duration burst = this.settings.burst();
		long cpu = runThreads(burst, () -> {
			switch (load) {
				case READ -> variant.readPort();
				case WRITE -> variant.insert("burst");
				case MIX -> {
					if (mixWrite()) {
						variant.insert("burst");
					}
					else {
						variant.readPort();
					}
				}
			}
			synchronized (done) {
				done[0]++;
			}
		});
		return new Burst(done[0] / (burst.toNanos() / 1e9), cpu / 1e3 / Math.max(1, done[0]));
	}

	/**
	 * One burst of one setup: transactions per second, and the CPU time its client threads spent per
	 * transaction (the routing's own cost, which the server's share and the machine's noise do not blur).
	 */
	private record Burst(double perSecond, double cpuMicros) {

	}

	/**
	 * The transactions of a routing-cost burst.
	 */
	private enum Load {

		READ("read-only (SELECT inet_server_port())"), WRITE("write (INSERT)"), MIX("mix, 80% read-only, 20% writes");

		private final String label;

		Load(String label) {
			this.label = label;
		}

	}

	/**
	 * Runs the operation on every thread until the time is up.
	 * @return the CPU time the threads spent, in nanoseconds
	 */
	private static long runThreads(Duration duration, Runnable operation) throws InterruptedException {
		long end = System.nanoTime() + duration.toNanos();
		ThreadMXBean threadBean = ManagementFactory.getThreadMXBean();
		AtomicLong cpu = new AtomicLong();
		List<Thread> threads = new ArrayList<>();
		for (int i = 0; i < THREADS; i++) {
			Thread thread = new Thread(() -> {
				long start = threadBean.getCurrentThreadCpuTime();
				while (System.nanoTime() < end) {
					operation.run();
				}
				cpu.addAndGet(threadBean.getCurrentThreadCpuTime() - start);
			});
			thread.start();
			threads.add(thread);
		}
		for (Thread thread : threads) {
			thread.join();
		}
		return cpu.get();
	}

	private static ConfigurableApplicationContext poolwise(ReplicatedServers cluster, boolean readYourWrites) {
		return new SpringApplicationBuilder(Application.class).web(WebApplicationType.NONE)
			.properties("spring.datasource.url=" + cluster.primaryUrl(""), "spring.datasource.username=postgres",
					"db.pool.size=" + THREADS, "db.pool.overflow=0", "db.pool.replicas.url=" + cluster.standbysUrl(0),
					"db.pool.replicas.max-lag=10s", "db.pool.replicas.timeout=2s", "db.pool.monitor.enabled=false",
					"db.pool.replicas.read-your-writes=" + readYourWrites,
					"spring.application.name=bench-" + (readYourWrites ? "routed" : "unchecked"))
			.run();
	}

	/**
	 * What the study runs on one setup: a write transaction, a read-only one, by the server that ran it.
	 */
	private static final class Variant {

		private final String name;

		private final JdbcTemplate jdbc;

		private final TransactionTemplate writes;

		private final TransactionTemplate reads;

		Variant(String name, JdbcTemplate jdbc, PlatformTransactionManager transactions) {
			this.name = name;
			this.jdbc = jdbc;
			this.writes = new TransactionTemplate(transactions);
			this.reads = new TransactionTemplate(transactions);
			this.reads.setReadOnly(true);
		}

		int readPort() {
			Integer port = this.reads.execute((status) -> this.jdbc.queryForObject("SELECT inet_server_port()",
					Integer.class));
			return (port != null) ? port : -1;
		}

		int write() {
			Integer port = this.writes.execute((status) -> {
				this.jdbc.update("INSERT INTO bench_rows (name) VALUES ('mix')");
				return this.jdbc.queryForObject("SELECT inet_server_port()", Integer.class);
			});
			return (port != null) ? port : -1;
		}

		void insert(String name) {
			this.writes
				.executeWithoutResult((status) -> this.jdbc.update("INSERT INTO bench_rows (name) VALUES (?)", name));
		}

		int count(String name) {
			Integer count = this.reads.execute((status) -> this.jdbc
				.queryForObject("SELECT count(*) FROM bench_rows WHERE name = ?", Integer.class, name));
			return (count != null) ? count : -1;
		}

	}

	/**
	 * The setup of spring-framework#21415 and many blog posts: two pools, Spring's lazy proxy choosing between
	 * them by the read-only flag, and nothing that knows about lag.
	 */
	private static final class HandWritten implements AutoCloseable {

		private final HikariDataSource primary;

		private final HikariDataSource replica;

		private final JdbcTemplate jdbc;

		private final PlatformTransactionManager transactions;

		HandWritten(ReplicatedServers cluster) {
			this.primary = pool(cluster.primaryUrl(""));
			this.replica = pool(cluster.standbysUrl(0));
			LazyConnectionDataSourceProxy routing = new LazyConnectionDataSourceProxy(this.primary);
			routing.setReadOnlyDataSource(this.replica);
			DataSource dataSource = routing;
			this.jdbc = new JdbcTemplate(dataSource);
			this.transactions = new DataSourceTransactionManager(dataSource);
		}

		private static HikariDataSource pool(String url) {
			HikariDataSource pool = new HikariDataSource();
			pool.setJdbcUrl(url);
			pool.setUsername("postgres");
			pool.setMaximumPoolSize(THREADS);
			return pool;
		}

		@Override
		public void close() {
			this.primary.close();
			this.replica.close();
		}

	}

	/**
	 * The application: Spring Boot's DataSource, Poolwise, a transaction manager and JdbcTemplate.
	 */
	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ DataSourceAutoConfiguration.class, PoolwiseAutoConfiguration.class,
			DataSourceTransactionManagerAutoConfiguration.class, TransactionAutoConfiguration.class,
			JdbcTemplateAutoConfiguration.class })
	static class Application {

	}

}
