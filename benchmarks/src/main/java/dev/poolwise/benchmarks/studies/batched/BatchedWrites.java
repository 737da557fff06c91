package dev.poolwise.benchmarks.studies.batched;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.poolwise.benchmarks.harness.BenchmarkDatabase;
import dev.poolwise.benchmarks.harness.Console;
import dev.poolwise.benchmarks.harness.Machine;
import dev.poolwise.benchmarks.harness.Settings;
import dev.poolwise.benchmarks.report.ReportSection;
import dev.poolwise.benchmarks.report.Results;
import dev.poolwise.benchmarks.studies.Study;

import static dev.poolwise.benchmarks.report.ReportSection.format;
import static dev.poolwise.benchmarks.report.ReportSection.line;

/**
 * Batched writes, Spring Boot's defaults against Poolwise's, side by side in alternating rounds: in every
 * round each workload runs once per application, the order rotating as in {@code PooledRounds}, on an
 * emptied table, and both applications' rows are compared by count and checksum after each burst, on a
 * server that flushes every commit. Run with {@code -Dbench.mode=batched-writes}; writes
 * {@code batched-writes.md}.
 */
public final class BatchedWrites implements Study {

	/** Rounds run first and not reported: the JIT, Hibernate's and the server's caches. */
	private static final int WARMUP_ROUNDS = 5;

	/** Poolwise with pgjdbc's statement cache raised, with {@code -Dbench.batch.drivers=true}. */
	private static final Map<String, String> LARGER_STATEMENT_CACHE = Map
		.of("spring.datasource.hikari.data-source-properties.preparedStatementCacheQueries", "1024");

	private final Settings settings;

	private final List<WriteApplication> applications = new ArrayList<>();

	private final List<BatchWorkload> workloads;

	private final Map<BatchWorkload, Map<String, List<Double>>> rowsPerSecond = new EnumMap<>(BatchWorkload.class);

	private final Map<BatchWorkload, List<String>> differences = new EnumMap<>(BatchWorkload.class);

	public BatchedWrites(Settings settings) {
		this.settings = settings;
		this.workloads = settings.batchDrivers() ? List.of(BatchWorkload.values())
				: List.of(BatchWorkload.JDBC_100, BatchWorkload.JDBC_1000, BatchWorkload.JPA);
	}

	@Override
	public void run() throws Exception {
		try (BenchmarkDatabase database = BenchmarkDatabase.start(true)) {
			long started = System.nanoTime();
			try {
				this.applications.add(WriteApplication.bootDefault(database));
				this.applications.get(0).jdbc().execute(BatchWorkload.SCHEMA);
				this.applications.add(WriteApplication.poolwise(database, "Poolwise", Map.of()));
				if (this.settings.batchDrivers()) {
					this.applications.add(WriteApplication.poolwise(database, "Poolwise, statement cache 1024",
							LARGER_STATEMENT_CACHE));
				}
				int rounds = this.settings.batchRounds();
				Console.log("Batched writes: %d warm-up rounds, then %d rounds", WARMUP_ROUNDS, rounds);
				for (int round = 1; round <= WARMUP_ROUNDS + rounds; round++) {
					round(round, round > WARMUP_ROUNDS);
				}
				ReportSection.write(this.settings,
						render(describe(database), rounds, Duration.ofNanos(System.nanoTime() - started)));
				this.differences.forEach((workload, found) -> {
					if (!found.isEmpty()) {
						throw new IllegalStateException("Different rows after " + workload.label() + ": " + found);
					}
				});
			}
			finally {
				this.applications.forEach(WriteApplication::close);
			}
		}
	}

	private void round(int round, boolean measured) {
		for (BatchWorkload workload : this.workloads) {
			List<String> checksums = new ArrayList<>();
			for (int i = 0; i < this.applications.size(); i++) {
				WriteApplication application = this.applications.get((round + i) % this.applications.size());
				workload.reset(application);
				long start = System.nanoTime();
				workload.write(application);
				double rate = BatchWorkload.ROWS / ((System.nanoTime() - start) / 1e9);
				String checksum = workload.checksum(application);
				checksums.add(checksum);
				Console.log("%2d %-9s %-22s %,10.0f rows/s  %s", round, workload, application.label(), rate,
						measured ? checksum : "(warm-up)");
				if (measured) {
					this.rowsPerSecond.computeIfAbsent(workload, (key) -> new LinkedHashMap<>())
						.computeIfAbsent(application.label(), (key) -> new ArrayList<>())
						.add(rate);
				}
			}
			List<String> differences = this.differences.computeIfAbsent(workload, (key) -> new ArrayList<>());
			if (checksums.stream().distinct().count() != 1
					|| !checksums.get(0).startsWith(BatchWorkload.ROWS + " rows")) {
				differences.add("round " + round + ": " + checksums);
			}
		}
	}

	/**
	 * The machine, and what makes a commit cheap or dear on this server, and every driver property each
	 * pool was given.
	 */
	private Map<String, String> describe(BenchmarkDatabase database) throws Exception {
		Map<String, String> facts = Machine.describe(database);
		facts.remove("pgbench");
		facts.put("Server durability", this.applications.get(0)
			.jdbc()
			.queryForObject("SELECT 'fsync=' || current_setting('fsync') || ', synchronous_commit='"
					+ " || current_setting('synchronous_commit')", String.class));
		for (WriteApplication application : this.applications) {
			facts.put("Driver properties of " + application.label(),
					application.dataSource().getDataSourceProperties().isEmpty() ? "none"
							: "`" + application.dataSource().getDataSourceProperties() + "`");
		}
		return facts;
	}

	private String render(Map<String, String> machine, int rounds, Duration elapsed) {
		StringBuilder out = new StringBuilder();
		String baseline = this.applications.get(0).label();
		List<String> others = this.applications.stream()
			.map(WriteApplication::label)
			.filter((label) -> !label.equals(baseline))
			.toList();
		ReportSection.header(out, "Batched writes", this.settings, elapsed, machine);
		line(out, "Two Spring Boot applications, side by side in one JVM, each with what `spring-boot-starter-jdbc` "
				+ "and `spring-boot-starter-data-jpa` auto-configure and `spring.jpa.properties.hibernate.jdbc."
				+ "batch_size=50`: **" + baseline + "** (Boot's Hikari pool as Boot configures it) and **"
				+ String.join("**, **", others) + "** (the same with the Poolwise starter and no `db.pool` "
				+ "property: its defaults). Each workload writes " + String.format(Locale.ROOT, "%,d",
						BatchWorkload.ROWS)
				+ " rows of three columns into an emptied table with a primary key, on one connection. "
				+ "In every round each workload runs once per application, the order alternating; "
				+ WARMUP_ROUNDS + " warm-up rounds, then " + rounds
				+ " measured. Rows per second are the median over rounds; the ratio is the median of the per-round "
				+ "ratios. After every burst the table's row count and an MD5 of its content (for JPA without the "
				+ "ids, which each side draws from the sequence; their count must match) are compared between the "
				+ "applications.");
		line(out, "");
		StringBuilder header = new StringBuilder("| workload | " + baseline + " rows/s |");
		StringBuilder rule = new StringBuilder("|---|---:|");
		for (String other : others) {
			header.append(" ").append(other).append(" rows/s | ").append(other).append(" / ").append(baseline)
				.append(" |");
			rule.append("---:|---:|");
		}
		header.append(" rows identical |");
		rule.append("---|");
		line(out, header.toString());
		line(out, rule.toString());
		this.rowsPerSecond.forEach((workload, sides) -> {
			StringBuilder row = new StringBuilder("| " + workload.label() + " | "
					+ format("%,.0f", Results.median(sides.get(baseline))) + " |");
			for (String other : others) {
				row.append(" ")
					.append(format("%,.0f", Results.median(sides.get(other))))
					.append(" | ")
					.append(format("%.2f", pairedRatio(sides.get(other), sides.get(baseline))))
					.append(" |");
			}
			List<String> differences = this.differences.get(workload);
			int measured = sides.get(baseline).size();
			row.append(differences.isEmpty() ? " yes, " + measured + " of " + measured + " rounds |"
					: " **no**: " + differences + " |");
			line(out, row.toString());
		});
		line(out, "");
		line(out, "## Every round (rows/s, in run order)");
		line(out, "");
		line(out, "| workload | application | rows/s |");
		line(out, "|---|---|---|");
		this.rowsPerSecond.forEach((workload, sides) -> sides.forEach((label, rates) -> line(out, "| "
				+ workload.label() + " | " + label + " | "
				+ String.join(", ", rates.stream().map((rate) -> format("%,.0f", rate)).toList()) + " |")));
		return out.toString();
	}

	private static double pairedRatio(List<Double> numerator, List<Double> denominator) {
		List<Double> ratios = new ArrayList<>();
		for (int i = 0; i < Math.min(numerator.size(), denominator.size()); i++) {
			ratios.add(numerator.get(i) / denominator.get(i));
		}
		return Results.median(ratios);
	}

}
