package dev.poolwise.benchmarks.studies.fairqueue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import dev.poolwise.benchmarks.harness.BenchmarkDatabase;
import dev.poolwise.benchmarks.harness.ClientLoad;
import dev.poolwise.benchmarks.harness.Console;
import dev.poolwise.benchmarks.harness.Machine;
import dev.poolwise.benchmarks.harness.Settings;
import dev.poolwise.benchmarks.report.ReportSection;
import dev.poolwise.benchmarks.studies.Study;
import dev.poolwise.test.VirtualThreads;
import dev.poolwise.test.WaitingLineLoad;

import static dev.poolwise.benchmarks.report.ReportSection.format;
import static dev.poolwise.benchmarks.report.ReportSection.line;

/**
 * Poolwise's fair waiting line ({@code db.pool.queue.fair=true}, the default) against Hikari's own hand-off
 * ({@code false}) in two cases: 300 virtual threads on a pool of 5 and 1,000 on a pool of 4, each borrowing
 * over and over for a 5 ms query with a 2 s timeout. Both pools run side by side in one JVM against the same
 * server and take turns (A B, B A, ...), each burst {@code bench.measure} long, {@code bench.rounds} rounds;
 * the borrows are recorded and judged by the same {@link WaitingLineLoad} as the fair-queue tests.
 * Run with {@code -Dbench.mode=fair-queue} on Java 21 or later; writes {@code fair-queue.md}.
 */
public final class FairQueueStudy implements Study {

	private static final Duration TIMEOUT = Duration.ofSeconds(2);

	private static final List<Case> CASES = List.of(new Case(300, 5), new Case(1000, 4));

	private final Settings settings;

	public FairQueueStudy(Settings settings) {
		this.settings = settings;
	}

	@Override
	public void run() throws Exception {
		if (!ClientLoad.virtualThreadsAvailable()) {
			throw new IllegalStateException(this.settings.mode().option() + " needs virtual threads: run it on Java 21 or later");
		}
		long started = System.nanoTime();
		Map<String, List<WaitingLineLoad>> results = new LinkedHashMap<>();
		try (BenchmarkDatabase database = BenchmarkDatabase.start()) {
			for (Case shape : CASES) {
				List<ConfigurableApplicationContext> pools = new ArrayList<>();
				try {
					pools.add(start(database, shape, true));
					pools.add(start(database, shape, false));
					for (int round = 0; round <= this.settings.rounds(); round++) {
						for (int i = 0; i < pools.size(); i++) {
							boolean fair = ((round + i) % 2) == 0;
							WaitingLineLoad burst = WaitingLineLoad.run(pools.get(fair ? 0 : 1).getBean(DataSource.class),
									shape.threads(), "SELECT pg_sleep(0.005)", TIMEOUT, this.settings.measure(),
									VirtualThreads::start);
							Console.log("%s, %s, round %s: %s", shape, fair ? "fair line" : "Hikari's own",
									(round == 0) ? "warm-up" : Integer.toString(round), burst.describe());
							if (round > 0) {
								results.computeIfAbsent(key(shape, fair), (key) -> new ArrayList<>()).add(burst);
							}
						}
					}
				}
				finally {
					pools.forEach(ConfigurableApplicationContext::close);
				}
			}
			ReportSection.write(this.settings, report(results, Duration.ofNanos(System.nanoTime() - started),
					Machine.describe(database)));
		}
	}

	private static ConfigurableApplicationContext start(BenchmarkDatabase database, Case shape, boolean fair) {
		return new SpringApplicationBuilder(PoolApplication.class).web(WebApplicationType.NONE)
			.properties("spring.datasource.url=" + database.jdbcUrl(BenchmarkDatabase.DATABASE),
					"spring.datasource.username=" + BenchmarkDatabase.USER,
					"spring.datasource.password=" + database.password(), "spring.main.banner-mode=off",
					"logging.level.root=WARN", "logging.level.dev.poolwise.holders=ERROR",
					"spring.datasource.hikari.pool-name=" + (fair ? "fair" : "hikari"),
					"db.pool.size=" + shape.pool(), "db.pool.overflow=0", "db.pool.timeout=" + TIMEOUT.toMillis() + "ms",
					"db.pool.queue.fair=" + fair, "db.pool.monitor.enabled=false")
			.run();
	}

	private static String key(Case shape, boolean fair) {
		return shape + "|" + (fair ? "fair line (`db.pool.queue.fair=true`)" : "Hikari's own (`db.pool.queue.fair=false`)");
	}

	private String report(Map<String, List<WaitingLineLoad>> results, Duration elapsed, Map<String, String> machine) {
		StringBuilder out = new StringBuilder();
		ReportSection.header(out, "Who waits: the fair line against Hikari's hand-off", this.settings, elapsed, machine);
		line(out, "Virtual threads borrow over and over for one `SELECT pg_sleep(0.005)`, timeout " + TIMEOUT.toSeconds()
				+ " s, " + this.settings.measure().toSeconds() + " s per burst, " + this.settings.rounds()
				+ " rounds after a warm-up round, the two pools taking turns. A timeout is *overtaken* when a borrow "
				+ "that asked more than 50 ms after it was served more than 50 ms before it gave up: its turn would "
				+ "have come within the timeout. Sums over the rounds; waits are the medians of the rounds' percentiles.");
		line(out, "");
		line(out, "| case | queue | borrows | timeouts | with idle connections | overtaken | p50 wait ms | p99 wait ms | max wait ms | served per s |");
		line(out, "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
		results.forEach((key, bursts) -> {
			String[] parts = key.split("\\|");
			line(out, "| " + parts[0] + " | " + parts[1] + " | "
					+ bursts.stream().mapToInt(WaitingLineLoad::requests).sum() + " | "
					+ bursts.stream().mapToLong(WaitingLineLoad::failures).sum() + " | "
					+ bursts.stream().mapToLong(WaitingLineLoad::timeoutsWithIdleConnections).sum() + " | "
					+ bursts.stream().mapToLong(WaitingLineLoad::overtaken).sum() + " | "
					+ median(bursts.stream().mapToDouble((b) -> b.waitPercentile(50).toNanos() / 1e6).toArray()) + " | "
					+ median(bursts.stream().mapToDouble((b) -> b.waitPercentile(99).toNanos() / 1e6).toArray()) + " | "
					+ format("%.0f",
							bursts.stream().mapToDouble((b) -> b.waitPercentile(100).toNanos() / 1e6).max().orElse(0))
					+ " | " + median(bursts.stream().mapToDouble(WaitingLineLoad::servedPerSecond).toArray()) + " |");
		});
		line(out, "");
		line(out, "Per round:");
		line(out, "");
		results.forEach((key, bursts) -> bursts
			.forEach((burst) -> line(out, "- " + key.replace("|", ", ") + ": " + burst.describe())));
		return out.toString();
	}

	private static String median(double[] values) {
		double[] sorted = values.clone();
		Arrays.sort(sorted);
		return format("%.0f", (sorted.length == 0) ? 0 : sorted[sorted.length / 2]);
	}

	/**
	 * Virtual threads on a pool of a size.
	 */
	private record Case(int threads, int pool) {

		@Override
		public String toString() {
			return String.format("%,d virtual threads, pool of %d", this.threads, this.pool);
		}

	}

	/**
	 * Spring Boot's pool tuned by Poolwise, nothing else started.
	 */
	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class PoolApplication {

	}

}
