package dev.poolwise.benchmarks.studies.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariDataSource;
import org.postgresql.Driver;

import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.pem.PemSslStoreBundle;
import org.springframework.boot.ssl.pem.PemSslStoreDetails;

import dev.poolwise.benchmarks.harness.BenchmarkDatabase;
import dev.poolwise.benchmarks.harness.Console;
import dev.poolwise.benchmarks.harness.Machine;
import dev.poolwise.benchmarks.harness.Settings;
import dev.poolwise.benchmarks.report.ReportSection;
import dev.poolwise.benchmarks.studies.Study;
import dev.poolwise.net.TcpKeepaliveSocketFactory;
import dev.poolwise.pool.TlsMode;
import dev.poolwise.tls.BundleSslSocketFactory;
import dev.poolwise.tls.PoolTls;

/**
 * What TLS costs a Poolwise pool, on one server with {@code ssl = on} and password logins (scram-sha-256):
 * plain TCP ({@code sslmode=disable}), Poolwise's SSL bundle path ({@code db.pool.ssl.bundle}, verify-full,
 * {@code BundleSslSocketFactory} on the TCP keepalive socket) and pgjdbc's own TLS
 * ({@code sslmode=verify-full&sslrootcert=}). Per new connection (socket, handshake, login, one validation
 * round trip, close) and per borrow of a warm pool of 4 for {@code SELECT 1}. The variants take turns in
 * alternating rounds (A B C, B C A, ...), so the machine's drift reaches all of them alike. Certificates
 * (EC P-256) are made with openssl. Run with {@code -Dbench.mode=tls}; writes {@code tls.md}.
 */
public final class TlsCost implements Study {

	private static final int CONNECTS = 40;

	private static final int QUERIES = 2000;

	private final Settings settings;

	public TlsCost(Settings settings) {
		this.settings = settings;
	}

	@Override
	public void run() throws Exception {
		Path certificates = certificates();
		long started = System.nanoTime();
		try (BenchmarkDatabase database = BenchmarkDatabase.start(false, Map.of("ssl", "on", "ssl_cert_file",
				certificates.resolve("server.crt").toString(), "ssl_key_file",
				certificates.resolve("server.key").toString()))) {
			SslBundle bundle = SslBundle.of(new PemSslStoreBundle(null,
					PemSslStoreDetails.forCertificate("file:" + certificates.resolve("ca.crt"))));
			PoolTls tls = new PoolTls("benchmark", "benchmark", "spring.ssl.bundle.pem.benchmark", TlsMode.VERIFY_FULL,
					() -> bundle);
			Map<String, Properties> variants = new LinkedHashMap<>();
			variants.put("plain", properties(database, Map.of("sslmode", "disable")));
			variants.put("SSL bundle (Poolwise)", properties(database, Map.of("sslmode", "verify-full", "sslfactory",
					BundleSslSocketFactory.class.getName(), "sslfactoryarg", tls.id())));
			variants.put("pgjdbc's own TLS", properties(database, Map.of("sslmode", "verify-full", "sslrootcert",
					certificates.resolve("ca.crt").toString())));
			String url = database.jdbcUrl(BenchmarkDatabase.DATABASE);
			Map<String, HikariDataSource> pools = new LinkedHashMap<>();
			Map<String, List<double[]>> connects = new LinkedHashMap<>();
			Map<String, List<double[]>> queries = new LinkedHashMap<>();
			try {
				variants.forEach((name, properties) -> pools.put(name, pool(url, properties)));
				List<String> names = new ArrayList<>(variants.keySet());
				for (String name : names) {
					connects(url, variants.get(name), 10);
					queries(pools.get(name), 500);
				}
				for (int round = 0; round < this.settings.rounds(); round++) {
					for (int i = 0; i < names.size(); i++) {
						String name = names.get((round + i) % names.size());
						double[] connect = connects(url, variants.get(name), CONNECTS);
						double[] query = queries(pools.get(name), QUERIES);
						connects.computeIfAbsent(name, (key) -> new ArrayList<>()).add(connect);
						queries.computeIfAbsent(name, (key) -> new ArrayList<>()).add(query);
						Console.log("%d %-24s new connection p50 %7.2f ms p90 %7.2f ms   borrow+query p50 %7.1f us p99 %8.1f us",
								round, name, percentile(connect, 50), percentile(connect, 90), percentile(query, 50),
								percentile(query, 99));
					}
				}
			}
			finally {
				pools.values().forEach(HikariDataSource::close);
				tls.close();
			}
			Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
			ReportSection.write(this.settings, report(database, elapsed, connects, queries));
		}
	}

	private String report(BenchmarkDatabase database, Duration elapsed, Map<String, List<double[]>> connects,
			Map<String, List<double[]>> queries) throws Exception {
		StringBuilder out = new StringBuilder();
		ReportSection.header(out, "TLS cost: an SSL bundle against plain TCP and pgjdbc's own TLS", this.settings,
				elapsed, Machine.describe(database));
		ReportSection.line(out, this.settings.rounds() + " rounds; in each, every variant in turn (order rotating): "
				+ CONNECTS + " new connections one after another (TCP keepalive socket, TLS handshake, scram-sha-256 "
				+ "login, one validation round trip, close), then " + QUERIES + " borrows of a warm pool of 4 for "
				+ "`SELECT 1`. Server: `ssl = on`, EC P-256 certificate, TLS 1.3. Medians of the per-round "
				+ "percentiles, with their range over the rounds.");
		ReportSection.line(out, "");
		ReportSection.line(out, "| variant | new connection p50 ms | p90 ms | / plain (p50) | borrow + query p50 µs "
				+ "| p99 µs | / plain (p50) |");
		ReportSection.line(out, "|---|---:|---:|---:|---:|---:|---:|");
		double plainConnect = median(connects.get("plain"), 50);
		double plainQuery = median(queries.get("plain"), 50);
		connects.forEach((name, rounds) -> {
			double connect = median(rounds, 50);
			double query = median(queries.get(name), 50);
			ReportSection.line(out, "| " + name + " | " + range(rounds, 50, "%.2f") + " | "
					+ range(rounds, 90, "%.2f") + " | " + ReportSection.format("%.2f", connect / plainConnect) + " | "
					+ range(queries.get(name), 50, "%.1f") + " | " + range(queries.get(name), 99, "%.1f") + " | "
					+ ReportSection.format("%.2f", query / plainQuery) + " |");
		});
		ReportSection.line(out, "");
		return out.toString();
	}

	private static Properties properties(BenchmarkDatabase database, Map<String, String> tls) {
		Properties properties = database.credentials();
		properties.setProperty("tcpKeepAlive", "true");
		properties.setProperty("socketFactory", TcpKeepaliveSocketFactory.class.getName());
		properties.setProperty("socketFactoryArg", TcpKeepaliveSocketFactory.argument(60, 10, 6));
		properties.setProperty("ApplicationName", "poolwise-benchmark");
		tls.forEach(properties::setProperty);
		return properties;
	}

	private static HikariDataSource pool(String url, Properties properties) {
		HikariDataSource pool = new HikariDataSource();
		pool.setJdbcUrl(url);
		pool.setDataSourceProperties(properties);
		pool.setMaximumPoolSize(4);
		pool.setMinimumIdle(4);
		return pool;
	}

	private static double[] connects(String url, Properties properties, int count) throws SQLException {
		Driver driver = new Driver();
		double[] millis = new double[count];
		for (int i = 0; i < count; i++) {
			long start = System.nanoTime();
			try (Connection connection = driver.connect(url, properties)) {
				connection.isValid(1);
			}
			millis[i] = (System.nanoTime() - start) / 1e6;
		}
		return millis;
	}

	private static double[] queries(HikariDataSource pool, int count) throws SQLException {
		double[] micros = new double[count];
		for (int i = 0; i < count; i++) {
			long start = System.nanoTime();
			try (Connection connection = pool.getConnection();
					Statement statement = connection.createStatement();
					ResultSet row = statement.executeQuery("SELECT 1")) {
				row.next();
			}
			micros[i] = (System.nanoTime() - start) / 1e3;
		}
		return micros;
	}

	private static double percentile(double[] values, int percentile) {
		double[] sorted = values.clone();
		Arrays.sort(sorted);
		return sorted[Math.min(sorted.length - 1, (int) Math.ceil(percentile / 100.0 * sorted.length) - 1)];
	}

	private static double median(List<double[]> rounds, int percentile) {
		return percentile(rounds.stream().mapToDouble((round) -> percentile(round, percentile)).toArray(), 50);
	}

	private static String range(List<double[]> rounds, int percentile, String format) {
		double[] values = rounds.stream().mapToDouble((round) -> percentile(round, percentile)).sorted().toArray();
		return ReportSection.format(format, percentile(values, 50)) + " (" + ReportSection.format(format, values[0])
				+ "–" + ReportSection.format(format, values[values.length - 1]) + ")";
	}

	private static Path certificates() throws IOException, InterruptedException {
		Path directory = Files.createTempDirectory("poolwise-bench-tls");
		openssl(directory, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days",
				"2", "-subj", "/CN=poolwise-bench-ca", "-keyout", "ca.key", "-out", "ca.crt");
		openssl(directory, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj",
				"/CN=localhost", "-keyout", "server.key", "-out", "server.csr");
		Files.writeString(directory.resolve("ext.cnf"), "subjectAltName=DNS:localhost\n");
		openssl(directory, "x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-set_serial", "1",
				"-days", "2", "-extfile", "ext.cnf", "-out", "server.crt");
		Files.setPosixFilePermissions(directory.resolve("server.key"), PosixFilePermissions.fromString("rw-------"));
		return directory;
	}

	private static void openssl(Path directory, String... arguments) throws IOException, InterruptedException {
		List<String> command = new ArrayList<>(List.of("openssl"));
		command.addAll(List.of(arguments));
		Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes());
		if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
			throw new IOException("openssl " + String.join(" ", arguments) + " failed: " + output);
		}
	}

}
