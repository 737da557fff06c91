package dev.poolwise.benchmarks;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

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

import dev.poolwise.net.TcpKeepaliveSocketFactory;
import dev.poolwise.session.SessionSettings;
import dev.poolwise.validation.Violations;

/**
 * Cost of opening one physical connection the way a Poolwise pool does, with and without five session
 * settings. The settings travel in the startup packet's {@code options}, so the difference should be the
 * server applying them, not an extra round trip.
 */
@State(Scope.Benchmark)
@BenchmarkMode({ Mode.AverageTime, Mode.SampleTime })
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 4, time = 2)
@Fork(1)
public class NewConnectionBenchmark {

	@Param({ "0", "5" })
	int settings;

	private EmbeddedPostgres postgres;

	private final Driver driver = new Driver();

	private String url;

	private Properties properties;

	@Setup(Level.Trial)
	public void startServer() throws IOException {
		this.postgres = EmbeddedPostgres.builder().start();
		this.url = this.postgres.getJdbcUrl("postgres", "postgres");
		this.properties = new Properties();
		this.properties.setProperty("tcpKeepAlive", "true");
		this.properties.setProperty("socketFactory", TcpKeepaliveSocketFactory.class.getName());
		this.properties.setProperty("socketFactoryArg", TcpKeepaliveSocketFactory.argument(60, 10, 6));
		this.properties.setProperty("ApplicationName", "poolwise-benchmark");
		if (this.settings > 0) {
			Map<String, String> others = new LinkedHashMap<>();
			others.put("work-mem", "16MB");
			others.put("random-page-cost", "1.1");
			SessionSettings session = SessionSettings.of("db.pool.session", Duration.ofSeconds(5),
					Duration.ofSeconds(2), Duration.ofMinutes(1), others, new Violations());
			this.properties.setProperty("options", session.toStartupOptions());
		}
	}

	@TearDown(Level.Trial)
	public void stopServer() throws IOException {
		this.postgres.close();
	}

	@Benchmark
	public boolean openAndClose() throws SQLException {
		try (Connection connection = this.driver.connect(this.url, this.properties)) {
			return connection.isValid(1);
		}
	}

}
