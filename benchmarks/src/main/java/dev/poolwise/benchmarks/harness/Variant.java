package dev.poolwise.benchmarks.harness;

/**
 * The ways of reaching the same server that a run compares.
 */
public enum Variant {

	/** A new physical connection per operation, from {@code DriverManager}. */
	UNPOOLED("unpooled DriverManager"),

	/** Spring Boot's Hikari pool as {@code spring-boot-starter-jdbc} configures it. */
	BOOT("Spring Boot default"),

	/**
	 * The Poolwise application's pool and session settings written by hand, with Actuator and the same
	 * scrapes, and no Poolwise: what is left between it and POOLWISE is Poolwise's own cost.
	 */
	HAND_TUNED("Boot, same settings by hand"),

	/** Boot's pool tuned by Poolwise, with health, meters, sampler and scrapes on. */
	POOLWISE("Poolwise"),

	/** PostgreSQL's own {@code pgbench -S -M prepared}: the server's ceiling. */
	PGBENCH("pgbench -S -M prepared");

	private final String label;

	Variant(String label) {
		this.label = label;
	}

	public String label() {
		return this.label;
	}

	/**
	 * Neither pgbench nor an unpooled client can run a thousand virtual threads: pgbench has none, and a
	 * thousand unpooled clients would need a thousand server connections.
	 */
	public boolean runs(Clients clients) {
		return !clients.virtual() || (this != UNPOOLED && this != PGBENCH);
	}

}
