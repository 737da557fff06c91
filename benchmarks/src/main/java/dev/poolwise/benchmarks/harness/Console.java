package dev.poolwise.benchmarks.harness;

import java.util.Locale;

/**
 * The progress lines a run prints while it measures, each marked {@code [bench]} so they stand out from
 * the applications' own output.
 */
public final class Console {

	private Console() {
	}

	public static void log(String format, Object... values) {
		System.out.println("[bench] " + String.format(Locale.ROOT, format, values));
	}

	/**
	 * One measured trial or burst.
	 */
	public static void trial(int repeat, Clients clients, String label, TrialResult result) {
		log("%2d %14s clients  %-30s %,10.0f ops/s  p50 %.3f ms  p99 %.3f ms  errors %d", repeat, clients.label(),
				label, result.throughput(), result.p50(), result.p99(), result.errors());
	}

}
