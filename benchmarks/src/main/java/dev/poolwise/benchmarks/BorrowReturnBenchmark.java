package dev.poolwise.benchmarks;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.jspecify.annotations.Nullable;
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

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * What a borrow and a return cost, with no statement in between: bare Hikari as Spring Boot configures it,
 * the same with Hikari's leak detection on, Boot's pool with leak detection and Actuator's Micrometer
 * tracker, and a Poolwise pool with the same (leak detection, meters, health and sampler); and Boot's and
 * Poolwise's pools with Actuator but without leak detection, whose 2 µs would hide what Poolwise adds to
 * this path: its holder tracking, one map entry written on each borrow and return, in front of Micrometer's
 * tracker, and its fair waiting line; {@code poolwise-hikari-queue} is the latter without the line
 * ({@code db.pool.queue.fair=false}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class BorrowReturnBenchmark {

	@Param({ "hikari", "hikari-leak-detection", "boot-actuator-leak-detection", "poolwise", "boot-actuator",
			"poolwise-no-leak-detection", "poolwise-hikari-queue" })
	String pool;

	private EmbeddedPostgres postgres;

	private @Nullable HikariDataSource hikari;

	private @Nullable ConfigurableApplicationContext context;

	private DataSource dataSource;

	@Setup(Level.Trial)
	public void start() throws IOException {
		this.postgres = EmbeddedPostgres.builder().start();
		String url = this.postgres.getJdbcUrl("postgres", "postgres");
		switch (this.pool) {
			case "hikari", "hikari-leak-detection" -> {
				HikariConfig config = new HikariConfig();
				config.setJdbcUrl(url);
				config.setMaximumPoolSize(10);
				if (this.pool.equals("hikari-leak-detection")) {
					config.setLeakDetectionThreshold(30_000);
				}
				this.hikari = new HikariDataSource(config);
				this.dataSource = this.hikari;
			}
			default -> {
				boolean leakDetection = !this.pool.equals("boot-actuator")
						&& !this.pool.equals("poolwise-no-leak-detection") && !this.pool.equals("poolwise-hikari-queue");
				this.context = new SpringApplicationBuilder(ActuatorApplication.class).web(WebApplicationType.NONE)
					.properties("spring.datasource.url=" + url, "spring.main.banner-mode=off",
							"logging.level.root=WARN", "db.pool.enabled=" + this.pool.startsWith("poolwise"),
							"spring.datasource.hikari.leak-detection-threshold=" + (leakDetection ? 30000 : 0),
							"db.pool.size=10", "db.pool.overflow=0",
							"db.pool.leak-detection-threshold=" + (leakDetection ? "30s" : "0"),
							"db.pool.session.statement-timeout=30s", "db.pool.monitor.interval=1s",
							"db.pool.queue.fair=" + !this.pool.equals("poolwise-hikari-queue"))
					.run();
				this.dataSource = this.context.getBean(DataSource.class);
			}
		}
	}

	@TearDown(Level.Trial)
	public void stop() throws IOException {
		if (this.context != null) {
			this.context.close();
		}
		if (this.hikari != null) {
			this.hikari.close();
		}
		this.postgres.close();
	}

	@Benchmark
	public Connection borrowAndReturn() throws SQLException {
		try (Connection connection = this.dataSource.getConnection()) {
			return connection;
		}
	}

	/**
	 * Everything on the classpath: Actuator and Micrometer always, Poolwise unless {@code db.pool.enabled}
	 * is false.
	 */
	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class ActuatorApplication {

	}

}
