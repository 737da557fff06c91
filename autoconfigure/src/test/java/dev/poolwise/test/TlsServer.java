package dev.poolwise.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A PostgreSQL server with TLS on, and the certificates to test it with, made with openssl when the server
 * starts: a test CA that issued the server's certificate (for {@code localhost} only, so {@code 127.0.0.1}
 * is a host it does not name) and client certificates, and a second CA that issued nothing the server
 * trusts. The role {@value #CERT_USER} may log in over TLS with a client certificate only
 * ({@code hostssl ... cert}); every other role is trusted, over TLS or not. Start one per test class.
 */
public final class TlsServer implements AutoCloseable {

	/** The role that logs in with a client certificate only; its certificates carry it as common name. */
	public static final String CERT_USER = "certuser";

	private static final AtomicLong SERIALS = new AtomicLong(System.currentTimeMillis());

	private final Path directory;

	private final EmbeddedPostgres server;

	private TlsServer(Path directory, EmbeddedPostgres server) {
		this.directory = directory;
		this.server = server;
	}

	/**
	 * Makes the certificates and starts the server.
	 * @return the running server
	 */
	public static TlsServer start() {
		return start(List.of());
	}

	/**
	 * Makes the certificates and starts the server with some {@code pg_hba.conf} lines of the test's own
	 * before the fixture's, e.g. {@code host all clear 127.0.0.1/32 password}.
	 * @param hbaLines the lines, which win over the fixture's for the roles they name
	 * @return the running server
	 */
	public static TlsServer start(List<String> hbaLines) {
		try {
			Path directory = Files.createTempDirectory("poolwise-tls");
			authority(directory, "ca");
			authority(directory, "other-ca");
			issue(directory, "server", "localhost", "ca", 2, "subjectAltName=DNS:localhost");
			Files.setPosixFilePermissions(directory.resolve("server.key"), PosixFilePermissions.fromString("rw-------"));
			Path hba = directory.resolve("pg_hba.conf");
			writeHba(hba, hbaLines);
			EmbeddedPostgres server = EmbeddedPostgres.builder()
				.setServerConfig("ssl", "on")
				.setServerConfig("ssl_cert_file", directory.resolve("server.crt").toString())
				.setServerConfig("ssl_key_file", directory.resolve("server.key").toString())
				.setServerConfig("ssl_ca_file", directory.resolve("ca.crt").toString())
				.setServerConfig("hba_file", hba.toString())
				.start();
			TlsServer tls = new TlsServer(directory, server);
			tls.execute("CREATE ROLE " + CERT_USER + " LOGIN");
			return tls;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start PostgreSQL with TLS", ex);
		}
	}

	/**
	 * A URL to this server.
	 * @param host {@code localhost}, which the certificate names, or {@code 127.0.0.1}, which it does not
	 * @return the JDBC URL
	 */
	public String url(String host) {
		return "jdbc:postgresql://" + host + ":" + this.server.getPort() + "/postgres";
	}

	/**
	 * A file of the certificates' directory, e.g. {@code ca.crt}.
	 * @param name the file name
	 * @return its path
	 */
	public Path file(String name) {
		return this.directory.resolve(name);
	}

	/**
	 * Issues a client certificate for {@value #CERT_USER} and its key as {@code <name>.crt} and
	 * {@code <name>.key}, each moved into place at once, so a watcher never reads half a file.
	 * @param name the file names
	 * @param authority {@code ca} (trusted by the server) or {@code other-ca}
	 * @return the certificate's serial number in decimal, as {@code pg_stat_ssl.client_serial} shows it
	 */
	public String issueClient(String name, String authority) {
		try {
			return issue(this.directory, name, CERT_USER, authority, 2, null);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Writes a client's certificate and key as a PKCS#12 key store {@code <client>.p12}, and an authority as
	 * a PKCS#12 trust store {@code <authority>-trust.p12} made by the JDK's keytool, as Spring Boot's
	 * {@code spring.ssl.bundle.jks.*} takes them.
	 * @param client the client's file names
	 * @param authority the authority's file names
	 * @param password the stores' password
	 */
	public void exportStores(String client, String authority, String password) {
		try {
			openssl(this.directory, "pkcs12", "-export", "-in", client + ".crt", "-inkey", client + ".key", "-name",
					client, "-out", client + ".p12", "-passout", "pass:" + password);
			run(this.directory, List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
					"-importcert", "-noprompt", "-alias", authority, "-file", authority + ".crt", "-keystore",
					authority + "-trust.p12", "-storetype", "PKCS12", "-storepass", password));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Replaces the server's certificate with one that expired yesterday, or back with a valid one, and
	 * reloads the server's configuration.
	 * @param expired whether the new certificate has expired
	 */
	public void serverCertificate(boolean expired) {
		try {
			issue(this.directory, "server", "localhost", "ca", expired ? -1 : 2, "subjectAltName=DNS:localhost");
			Files.setPosixFilePermissions(file("server.key"), PosixFilePermissions.fromString("rw-------"));
			execute("SELECT pg_reload_conf()");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Replaces the server's certificate with one issued by the given authority for the given host name, and
	 * reloads the server's configuration.
	 * @param authority {@code ca} (the one the tests' bundles trust) or {@code other-ca}
	 * @param host the name in the certificate's subjectAltName and common name
	 */
	public void serverCertificate(String authority, String host) {
		try {
			issue(this.directory, "server", host, authority, 2, "subjectAltName=DNS:" + host);
			Files.setPosixFilePermissions(file("server.key"), PosixFilePermissions.fromString("rw-------"));
			execute("SELECT pg_reload_conf()");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Rewrites {@code pg_hba.conf} with some lines of the test's own before the fixture's, and reloads the
	 * server's configuration: new connections follow it, open ones keep their session.
	 * @param hbaLines the lines, which win over the fixture's for the roles they name
	 */
	public void hba(List<String> hbaLines) {
		try {
			writeHba(file("pg_hba.conf"), hbaLines);
			execute("SELECT pg_reload_conf()");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static void writeHba(Path hba, List<String> hbaLines) throws IOException {
		List<String> lines = new ArrayList<>(hbaLines);
		lines.addAll(List.of("local all all trust", "hostssl all " + CERT_USER + " 127.0.0.1/32 cert",
				"hostssl all " + CERT_USER + " ::1/128 cert", "host all all 127.0.0.1/32 trust",
				"host all all ::1/128 trust", ""));
		Files.writeString(hba, String.join("\n", lines));
	}

	/**
	 * Runs a statement as the superuser over a local plain connection.
	 * @param sql the statement
	 */
	public void execute(String sql) {
		try (Connection connection = connect(); Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * A superuser connection without TLS, to look at the server from the side.
	 * @return a new connection
	 * @throws SQLException if the server refuses
	 */
	public Connection connect() throws SQLException {
		return DriverManager.getConnection(url("localhost") + "?sslmode=disable", "postgres", "");
	}

	@Override
	public void close() throws IOException {
		this.server.close();
	}

	private static void authority(Path directory, String name) throws IOException {
		openssl(directory, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days",
				"2", "-subj", "/CN=poolwise-test-" + name, "-keyout", name + ".key", "-out", name + ".crt");
	}

	private static String issue(Path directory, String name, String commonName, String authority, int days,
			String extension) throws IOException {
		String serial = Long.toString(SERIALS.incrementAndGet());
		Path work = Files.createTempDirectory(directory, name);
		openssl(work, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj",
				"/CN=" + commonName, "-keyout", "new.key", "-out", "new.csr");
		List<String> sign = new ArrayList<>(List.of("x509", "-req", "-in", "new.csr", "-CA",
				directory.resolve(authority + ".crt").toString(), "-CAkey", directory.resolve(authority + ".key").toString(),
				"-set_serial", serial, "-days", Integer.toString(days), "-out", "new.crt"));
		if (extension != null) {
			Files.writeString(work.resolve("ext.cnf"), extension + "\n");
			sign.addAll(List.of("-extfile", "ext.cnf"));
		}
		openssl(work, sign.toArray(String[]::new));
		Files.move(work.resolve("new.key"), directory.resolve(name + ".key"), StandardCopyOption.REPLACE_EXISTING,
				StandardCopyOption.ATOMIC_MOVE);
		Files.move(work.resolve("new.crt"), directory.resolve(name + ".crt"), StandardCopyOption.REPLACE_EXISTING,
				StandardCopyOption.ATOMIC_MOVE);
		return new BigInteger(serial).toString();
	}

	private static void openssl(Path directory, String... arguments) throws IOException {
		List<String> command = new ArrayList<>(List.of("openssl"));
		command.addAll(List.of(arguments));
		run(directory, command);
	}

	private static void run(Path directory, List<String> command) throws IOException {
		Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes());
		try {
			if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
				throw new IOException(String.join(" ", command) + " failed: " + output);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException("Interrupted while running " + command.get(0), ex);
		}
	}

}
