package dev.poolwise.benchmarks;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.util.DriverDataSource;
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

import dev.poolwise.session.SessionSettings;
import dev.poolwise.session.SessionState;
import dev.poolwise.validation.Violations;

/**
 * What Poolwise's session-state watch ({@link SessionState}) costs a borrower that changes nothing: a borrow,
 * one statement ({@code SELECT 1}, as a plain and as a prepared statement) and the return, on a Hikari pool of
 * 4 with and without the watch in front of its connections. The watch reads each distinct statement text once,
 * so a clean connection pays a map lookup and the proxy's dispatch, never a round trip.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SessionStateBenchmark {

	@Param({ "hikari", "hikari-with-session-state" })
	String pool;

	private EmbeddedPostgres postgres;

	private HikariDataSource dataSource;

	@Setup(Level.Trial)
	public void start() throws IOException {
		this.postgres = EmbeddedPostgres.builder().start();
		String url = this.postgres.getJdbcUrl("postgres", "postgres");
		HikariDataSource pool = new HikariDataSource();
		pool.setPoolName("benchmark");
		pool.setMaximumPoolSize(4);
		pool.setMinimumIdle(4);
		pool.setDataSource(new DriverDataSource(url, null, new Properties(), "postgres", null));
		if (this.pool.equals("hikari-with-session-state")) {
			SessionState.install(pool, SessionSettings.of("db.pool.session", null, null, null, Map.of(),
					new Violations()));
		}
		this.dataSource = pool;
	}

	@TearDown(Level.Trial)
	public void stop() throws IOException {
		this.dataSource.close();
		this.postgres.close();
	}

	@Benchmark
	public int plainStatement() throws SQLException {
		try (Connection connection = this.dataSource.getConnection(); Statement statement = connection.createStatement();
				ResultSet row = statement.executeQuery("SELECT 1")) {
			row.next();
			return row.getInt(1);
		}
	}

	@Benchmark
	public int preparedStatement() throws SQLException {
		try (Connection connection = this.dataSource.getConnection();
				PreparedStatement statement = connection.prepareStatement("SELECT 1");
				ResultSet row = statement.executeQuery()) {
			row.next();
			return row.getInt(1);
		}
	}

}
