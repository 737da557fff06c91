package dev.poolwise.benchmarks.harness;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * What one run of the load harness measures, chosen with {@code -Dbench.mode=<name>}: one entry per study,
 * each with the report it writes into {@code benchmarks/results/}.
 */
public enum Mode {

	/** Every variant at 1, 10 and 100 clients (and 1,000 virtual threads), endpoints, startup; after JMH. */
	FULL("full", "results.md"),

	/** Where the realistic configuration's throughput goes, one part switched off at a time. */
	ATTRIBUTION("attribution", "attribution.md"),

	/** Batched writes, Spring Boot's defaults against Poolwise's, on a durable server. */
	BATCHED_WRITES("batched-writes", "batched-writes.md"),

	/** Health and Prometheus latency under a saturated pool and CPU. */
	HEALTH_LATENCY("health-latency", "health-latency.md"),

	/** 1,000 virtual threads on two HikariCP versions, one client JVM each (Java 21+). */
	VIRTUAL_THREADS("virtual-threads", "virtual-threads.md"),

	/** TLS from an SSL bundle against plain TCP and pgjdbc's own TLS: new connections and borrow-and-query. */
	TLS("tls", "tls.md"),

	/** Read replicas: routing, stale reads and routing cost against the hand-written proxy setup. */
	READ_REPLICAS("read-replicas", "read-replicas.md"),

	/** Every fault at random from a seed under a ledger's load, then the checks; one run per seed. */
	FAULT_SOAK("fault-soak", "fault-soak.md"),

	/** Fixed pools, FlexyPool and Poolwise's autosize under step, spike, CPU-bound and fleet workloads. */
	AUTOSIZING("autosizing", "autosizing.md"),

	/** Server-side prepared statements through PgBouncer 1.24.1, kept against off. */
	PGBOUNCER("pgbouncer", "pgbouncer.md"),

	/** Poolwise's fair waiting line against Hikari's own hand-off under many virtual threads (Java 21+). */
	FAIR_QUEUE("fair-queue", "fair-queue.md");

	private final String id;

	private final String report;

	Mode(String id, String report) {
		this.id = id;
		this.report = report;
	}

	/**
	 * @return the value of {@code -Dbench.mode} that selects this mode
	 */
	public String id() {
		return this.id;
	}

	/**
	 * @return the file, in the output folder, that this mode's study writes
	 */
	public String report() {
		return this.report;
	}

	/**
	 * @return what to add to the benchmark command to run this mode: nothing for the default
	 */
	public String option() {
		return (this == FULL) ? "" : "-D" + Settings.MODE + "=" + this.id;
	}

	/**
	 * @param id a value of {@code -Dbench.mode}
	 * @return the mode it names
	 * @throws IllegalArgumentException naming the valid values when it names none
	 */
	public static Mode of(String id) {
		return Arrays.stream(values())
			.filter((mode) -> mode.id.equals(id))
			.findFirst()
			.orElseThrow(() -> new IllegalArgumentException("-D" + Settings.MODE + "=" + id + " names no benchmark mode; use one of "
					+ Arrays.stream(values()).map(Mode::id).collect(Collectors.joining(", "))));
	}

}
