package dev.poolwise.benchmarks.studies.virtualthreads;

import java.util.Locale;

/**
 * What one burst of a {@link VirtualThreadBursts} process gave, sent to the parent as one line of text.
 * @param operations successful operations in the measured window
 * @param seconds length of the measured window
 * @param cpuNanos CPU time of the whole client JVM in the window: the virtual threads' carriers, Hikari's
 * threads, the JIT and the collector
 * @param p99 99th percentile of an operation (borrow, read, return) in milliseconds
 * @param borrowP99 99th percentile of {@code getConnection()} alone in milliseconds, threads still waiting at
 * the end of the window counted with their wait so far
 * @param waiting threads inside {@code getConnection()} at the end of the window
 * @param errors failed operations in the measured window
 */
record BurstResult(long operations, double seconds, long cpuNanos, double p99, double borrowP99, int waiting,
		long errors) {

	private static final String PREFIX = "burst-result";

	double throughput() {
		return this.operations / this.seconds;
	}

	double cpuMillisPerThousand() {
		return this.cpuNanos / 1e6 / (this.operations / 1000.0);
	}

	/**
	 * @return cores the client JVM kept busy on average
	 */
	double cores() {
		return this.cpuNanos / 1e9 / this.seconds;
	}

	String toLine() {
		return String.format(Locale.ROOT, "%s %d %.6f %d %.6f %.6f %d %d", PREFIX, this.operations, this.seconds,
				this.cpuNanos, this.p99, this.borrowP99, this.waiting, this.errors);
	}

	static boolean isResult(String line) {
		return line.startsWith(PREFIX + " ");
	}

	static BurstResult parse(String line) {
		String[] fields = line.split(" ");
		return new BurstResult(Long.parseLong(fields[1]), Double.parseDouble(fields[2]), Long.parseLong(fields[3]),
				Double.parseDouble(fields[4]), Double.parseDouble(fields[5]), Integer.parseInt(fields[6]),
				Long.parseLong(fields[7]));
	}

}
