package dev.poolwise.benchmarks.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.HdrHistogram.Histogram;

/**
 * PostgreSQL's own client, {@code pgbench -S -M prepared}: the same primary-key read with no Java, no
 * pool and no JDBC in the way, so the server's ceiling on this machine. Latencies come from its
 * per-transaction log, cut to the same measured window as the Java variants.
 */
public final class PgBench {

	private static final String EXECUTABLE = "pgbench";

	private PgBench() {
	}

	public static String version() throws IOException, InterruptedException {
		Process process = new ProcessBuilder(EXECUTABLE, "--version").redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
		process.waitFor();
		return output;
	}

	public static TrialResult measure(BenchmarkDatabase database, int clients, Duration warmup, Duration measure)
			throws IOException, InterruptedException {
		Path logs = Files.createTempDirectory("pgbench-log");
		try {
			long seconds = warmup.plus(measure).toSeconds();
			long started = System.currentTimeMillis() * 1000;
			run(database, List.of("-S", "-M", "prepared", "-n", "-c", Integer.toString(clients), "-j",
					Integer.toString(Math.min(clients, 2)), "-T", Long.toString(seconds), "-l", "--log-prefix",
					logs.resolve("tx").toString()));
			return read(logs, started + warmup.toNanos() / 1000, measure);
		}
		finally {
			delete(logs);
		}
	}

	/**
	 * Reads the per-transaction log: {@code client transaction latency_us script epoch_s epoch_us} per line,
	 * keeping the transactions that ended inside the measured window.
	 */
	private static TrialResult read(Path logs, long windowStartMicros, Duration measure) throws IOException {
		long windowEndMicros = windowStartMicros + measure.toNanos() / 1000;
		Histogram latencies = TrialResult.newHistogram();
		try (Stream<Path> files = Files.list(logs)) {
			for (Path file : files.toList()) {
				try (Stream<String> lines = Files.lines(file)) {
					lines.forEach((line) -> {
						String[] fields = line.split(" ");
						long ended = Long.parseLong(fields[4]) * 1_000_000 + Long.parseLong(fields[5]);
						if (ended >= windowStartMicros && ended < windowEndMicros) {
							latencies.recordValue(Math.min(Long.parseLong(fields[2]) * 1000, TrialResult.HIGHEST_NANOS));
						}
					});
				}
			}
		}
		return TrialResult.of(latencies, 0, measure.toNanos() / 1e9);
	}

	public static void run(BenchmarkDatabase database, List<String> arguments) throws IOException, InterruptedException {
		List<String> command = new ArrayList<>(List.of(EXECUTABLE, "-h", "127.0.0.1", "-p",
				Integer.toString(database.port()), "-U", BenchmarkDatabase.USER));
		command.addAll(arguments);
		command.add(BenchmarkDatabase.DATABASE);
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
		builder.environment().put("PGPASSWORD", database.password());
		Process process;
		try {
			process = builder.start();
		}
		catch (IOException ex) {
			throw new IOException("Could not run pgbench; install it with: apt-get install -y postgresql-client", ex);
		}
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		if (process.waitFor() != 0) {
			throw new IOException("pgbench " + arguments + " failed:\n" + output);
		}
	}

	private static void delete(Path directory) {
		try (Stream<Path> files = Files.list(directory)) {
			for (Path file : files.toList()) {
				Files.delete(file);
			}
			Files.delete(directory);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
