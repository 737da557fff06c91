package dev.poolwise.benchmarks.harness;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

import com.sun.management.OperatingSystemMXBean;
import com.zaxxer.hikari.HikariDataSource;
import org.postgresql.Driver;

import org.springframework.boot.SpringBootVersion;

/**
 * What the numbers were measured on, for the report's first table.
 */
public final class Machine {

	private Machine() {
	}

	public static Map<String, String> describe(BenchmarkDatabase database) throws Exception {
		Map<String, String> facts = describe(database.serverVersion() + " (embedded binaries, io.zonky.test, same host)");
		facts.put("pgbench", PgBench.version());
		return facts;
	}

	/**
	 * The machine with a server the study started itself.
	 * @param server what the PostgreSQL server row says
	 * @return the facts, in the report's order
	 * @throws IOException if the CPU or a jar cannot be read
	 */
	public static Map<String, String> describe(String server) throws IOException {
		Map<String, String> facts = new LinkedHashMap<>();
		facts.put("CPU", Runtime.getRuntime().availableProcessors() + " cores, " + cpuModel());
		OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
		facts.put("Memory", String.format("%.1f GiB", os.getTotalMemorySize() / (1024.0 * 1024 * 1024)));
		facts.put("OS", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
				+ System.getProperty("os.arch"));
		facts.put("JDK", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
		facts.put("Spring Boot", SpringBootVersion.getVersion());
		facts.put("HikariCP", mavenVersion(HikariDataSource.class, "com.zaxxer", "HikariCP"));
		facts.put("PostgreSQL JDBC", Driver.getVersion());
		facts.put("PostgreSQL server", server);
		return facts;
	}

	/**
	 * The version in a jar's Maven metadata, for jars whose manifest has none.
	 */
	private static String mavenVersion(Class<?> type, String groupId, String artifactId) throws IOException {
		String resource = "/META-INF/maven/" + groupId + "/" + artifactId + "/pom.properties";
		try (InputStream in = type.getResourceAsStream(resource)) {
			if (in == null) {
				return "unknown";
			}
			Properties properties = new Properties();
			properties.load(in);
			return properties.getProperty("version", "unknown");
		}
	}

	private static String cpuModel() throws IOException {
		Path cpuinfo = Path.of("/proc/cpuinfo");
		if (!Files.isReadable(cpuinfo)) {
			return System.getProperty("os.arch");
		}
		try (Stream<String> lines = Files.lines(cpuinfo)) {
			return lines.filter((line) -> line.startsWith("model name"))
				.map((line) -> line.substring(line.indexOf(':') + 1).trim())
				.findFirst()
				.orElse(System.getProperty("os.arch"));
		}
	}

}
