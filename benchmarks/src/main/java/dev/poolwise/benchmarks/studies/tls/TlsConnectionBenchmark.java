package dev.poolwise.benchmarks.studies.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.postgresql.Driver;

import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.pem.PemSslStoreBundle;
import org.springframework.boot.ssl.pem.PemSslStoreDetails;

import dev.poolwise.net.TcpKeepaliveSocketFactory;
import dev.poolwise.pool.TlsMode;
import dev.poolwise.tls.BundleSslSocketFactory;
import dev.poolwise.tls.PoolTls;

/**
 * What TLS from an SSL bundle ({@code db.pool.ssl.bundle}, verify-full) costs against plain TCP on the same
 * server: opening one physical connection as a Poolwise pool does (TCP keepalive socket, TLS handshake, login,
 * one validation round trip), and borrowing a warm pool connection for {@code SELECT 1}; and against pgjdbc's own
 * TLS ({@code libpq}: {@code sslmode=verify-full&sslrootcert=}). The server has TLS on in every case; plain
 * connects with {@code sslmode=disable}. Certificates (EC P-256) are made with openssl.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TlsConnectionBenchmark {

	@Param({ "plain", "bundle", "libpq" })
	String transport;

	private final Driver driver = new Driver();

	private Path certificates;

	private EmbeddedPostgres postgres;

	private String url;

	private Properties properties;

	private PoolTls tls;

	private HikariDataSource pool;

	@Setup(Level.Trial)
	public void start() throws IOException, InterruptedException {
		this.certificates = Files.createTempDirectory("poolwise-bench-tls");
		openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
				"-subj", "/CN=poolwise-bench-ca", "-keyout", "ca.key", "-out", "ca.crt");
		openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=localhost",
				"-keyout", "server.key", "-out", "server.csr");
		Files.writeString(this.certificates.resolve("ext.cnf"), "subjectAltName=DNS:localhost\n");
		openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-set_serial", "1", "-days",
				"2", "-extfile", "ext.cnf", "-out", "server.crt");
		Files.setPosixFilePermissions(this.certificates.resolve("server.key"),
				PosixFilePermissions.fromString("rw-------"));
		this.postgres = EmbeddedPostgres.builder()
			.setServerConfig("ssl", "on")
			.setServerConfig("ssl_cert_file", this.certificates.resolve("server.crt").toString())
			.setServerConfig("ssl_key_file", this.certificates.resolve("server.key").toString())
			.start();
		this.url = "jdbc:postgresql://localhost:" + this.postgres.getPort() + "/postgres";
		this.properties = new Properties();
		this.properties.setProperty("user", "postgres");
		this.properties.setProperty("tcpKeepAlive", "true");
		this.properties.setProperty("socketFactory", TcpKeepaliveSocketFactory.class.getName());
		this.properties.setProperty("socketFactoryArg", TcpKeepaliveSocketFactory.argument(60, 10, 6));
		this.properties.setProperty("ApplicationName", "poolwise-benchmark");
		if (this.transport.equals("libpq")) {
			this.properties.setProperty("sslmode", "verify-full");
			this.properties.setProperty("sslrootcert", this.certificates.resolve("ca.crt").toString());
		}
		else if (this.transport.equals("bundle")) {
			SslBundle bundle = SslBundle.of(new PemSslStoreBundle(null,
					PemSslStoreDetails.forCertificate("file:" + this.certificates.resolve("ca.crt"))));
			this.tls = new PoolTls("benchmark", "benchmark", TlsMode.VERIFY_FULL, () -> bundle);
			this.properties.setProperty("sslmode", "verify-full");
			this.properties.setProperty("sslfactory", BundleSslSocketFactory.class.getName());
			this.properties.setProperty("sslfactoryarg", this.tls.id());
		}
		else {
			this.properties.setProperty("sslmode", "disable");
		}
		this.pool = new HikariDataSource();
		this.pool.setJdbcUrl(this.url);
		this.pool.setDataSourceProperties(this.properties);
		this.pool.setMaximumPoolSize(4);
		this.pool.setMinimumIdle(4);
	}

	@TearDown(Level.Trial)
	public void stop() throws IOException {
		this.pool.close();
		if (this.tls != null) {
			this.tls.close();
		}
		this.postgres.close();
	}

	@Benchmark
	public boolean newConnection() throws SQLException {
		try (Connection connection = this.driver.connect(this.url, this.properties)) {
			return connection.isValid(1);
		}
	}

	@Benchmark
	public int borrowAndQuery() throws SQLException {
		try (Connection connection = this.pool.getConnection();
				Statement statement = connection.createStatement();
				ResultSet row = statement.executeQuery("SELECT 1")) {
			row.next();
			return row.getInt(1);
		}
	}

	private void openssl(String... arguments) throws IOException, InterruptedException {
		Process process = new ProcessBuilder(concat(arguments)).directory(this.certificates.toFile())
			.redirectErrorStream(true)
			.start();
		String output = new String(process.getInputStream().readAllBytes());
		if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
			throw new IOException("openssl failed: " + output);
		}
	}

	private static List<String> concat(String... arguments) {
		List<String> command = new java.util.ArrayList<>(List.of("openssl"));
		command.addAll(List.of(arguments));
		return command;
	}

}
