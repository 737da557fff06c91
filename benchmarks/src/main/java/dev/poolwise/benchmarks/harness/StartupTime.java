package dev.poolwise.benchmarks.harness;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Startup of the sample app in a fresh JVM, with the Poolwise starter's auto-configurations and without
 * them (everything else, Spring Boot's pool included, the same), alternating, against the benchmark
 * server. The time is Spring Boot's own "process running for" at the moment the application is ready.
 */
public final class StartupTime {

	private static final Pattern STARTED = Pattern.compile("Started \\w+ in [0-9.]+ seconds \\(process running for ([0-9.]+)\\)");

	private static final List<String> WITHOUT_POOLWISE = List.of(
			"--spring.autoconfigure.exclude=" + String.join(",", Applications.POOLWISE_AUTO_CONFIGURATIONS),
			// the sample's readiness group lists dbPool, which is gone without Poolwise
			"--management.endpoint.health.validate-group-membership=false");

	private StartupTime() {
	}

	/**
	 * @return seconds to ready, {@code true} with Poolwise and {@code false} without, in run order
	 */
	public static Map<Boolean, List<Double>> measure(Path sampleJar, BenchmarkDatabase database, int runs)
			throws IOException, InterruptedException {
		if (!Files.isRegularFile(sampleJar)) {
			throw new IOException("No sample app jar at " + sampleJar + "; build it with ./mvnw -P benchmarks "
					+ "-DskipTests verify, which packages the sample app before the benchmarks run");
		}
		Map<Boolean, List<Double>> seconds = Map.of(true, new ArrayList<>(), false, new ArrayList<>());
		for (int run = 0; run < runs; run++) {
			boolean first = run % 2 == 0;
			seconds.get(first).add(start(sampleJar, database, first));
			seconds.get(!first).add(start(sampleJar, database, !first));
		}
		return seconds;
	}

	private static double start(Path sampleJar, BenchmarkDatabase database, boolean withPoolwise)
			throws IOException, InterruptedException {
		List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
			.toString(), "-jar", sampleJar.toString(), "--server.port=0"));
		if (!withPoolwise) {
			command.addAll(WITHOUT_POOLWISE);
		}
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
		builder.environment().put("SPRING_DATASOURCE_URL", database.jdbcUrl(BenchmarkDatabase.SAMPLE_DATABASE));
		builder.environment().put("SPRING_DATASOURCE_USERNAME", BenchmarkDatabase.USER);
		builder.environment().put("SPRING_DATASOURCE_PASSWORD", database.password());
		Process process = builder.start();
		try (BufferedReader output = new BufferedReader(
				new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
			List<String> seen = new ArrayList<>();
			String line;
			while ((line = output.readLine()) != null) {
				Matcher started = STARTED.matcher(line);
				if (started.find()) {
					return Double.parseDouble(started.group(1));
				}
				seen.add(line);
			}
			throw new IOException("The sample app exited before it started:\n" + String.join("\n", seen));
		}
		finally {
			process.destroy();
			if (!process.waitFor(30, TimeUnit.SECONDS)) {
				process.destroyForcibly();
			}
		}
	}

}
