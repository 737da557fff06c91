package dev.poolwise.benchmarks.studies.virtualthreads;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

import dev.poolwise.benchmarks.harness.BenchmarkDatabase;

/**
 * A {@link VirtualThreadBursts} process, started with this JVM's class path except that its HikariCP jar is
 * swapped for the ones in a given folder (and Logback is left out, so Hikari logs nothing that could cost
 * one version more CPU than the other). Told to run a burst, it answers when the burst is over.
 */
final class ClientJvm implements AutoCloseable {

	private final Process process;

	private final PrintWriter commands;

	private final BufferedReader answers;

	private final String hikariVersion;

	private ClientJvm(Process process) throws IOException {
		this.process = process;
		this.commands = new PrintWriter(process.outputWriter(StandardCharsets.UTF_8), true);
		this.answers = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
		this.hikariVersion = await((line) -> line.startsWith(VirtualThreadBursts.READY + " "))
			.substring(VirtualThreadBursts.READY.length() + 1);
	}

	/**
	 * @param hikariFolder folder with the HikariCP jar this JVM is to use
	 * @param database the server
	 * @param accounts accounts to read from
	 * @param clients virtual threads per burst
	 */
	static ClientJvm start(Path hikariFolder, BenchmarkDatabase database, int accounts, int clients)
			throws IOException {
		List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
				classPath(hikariFolder), VirtualThreadBursts.class.getName(),
				database.jdbcUrl(BenchmarkDatabase.DATABASE), Integer.toString(accounts), Integer.toString(clients));
		ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
		builder.environment().put(VirtualThreadBursts.PASSWORD, database.password());
		Process process = builder.start();
		try {
			return new ClientJvm(process);
		}
		catch (IOException | RuntimeException ex) {
			process.destroyForcibly();
			throw ex;
		}
	}

	private static String classPath(Path hikariFolder) throws IOException {
		List<String> entries = new ArrayList<>();
		for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
			String name = Path.of(entry).getFileName().toString();
			if (!name.startsWith("HikariCP-") && !name.startsWith("logback-")) {
				entries.add(entry);
			}
		}
		try (Stream<Path> jars = Files.list(hikariFolder)) {
			List<String> hikari = jars.map(Path::toString).filter((name) -> name.endsWith(".jar")).toList();
			if (hikari.size() != 1) {
				throw new IllegalStateException("Expected one HikariCP jar in " + hikariFolder + ", found " + hikari
						+ ": build with ./mvnw -P benchmarks -pl benchmarks -am -DskipTests package");
			}
			entries.add(0, hikari.get(0));
		}
		return String.join(File.pathSeparator, entries);
	}

	String hikariVersion() {
		return this.hikariVersion;
	}

	BurstResult burst(Duration warmup, Duration measure) throws IOException {
		this.commands.println("burst " + warmup.toMillis() + " " + measure.toMillis());
		return BurstResult.parse(await(BurstResult::isResult));
	}

	/**
	 * Reads the child's output up to its answer, passing anything else it prints on to this JVM's output.
	 */
	private String await(Predicate<String> answer) throws IOException {
		for (String line = this.answers.readLine(); line != null; line = this.answers.readLine()) {
			if (answer.test(line)) {
				return line;
			}
			System.out.println("[client] " + line);
		}
		throw new IOException("The client JVM ended without answering (exit code " + exitCode() + ")");
	}

	private String exitCode() {
		try {
			return this.process.waitFor(10, TimeUnit.SECONDS) ? Integer.toString(this.process.exitValue()) : "none";
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return "unknown";
		}
	}

	@Override
	public void close() {
		this.commands.println("quit");
		try {
			if (!this.process.waitFor(30, TimeUnit.SECONDS)) {
				this.process.destroyForcibly();
			}
		}
		catch (InterruptedException ex) {
			this.process.destroyForcibly();
			Thread.currentThread().interrupt();
		}
	}

}
