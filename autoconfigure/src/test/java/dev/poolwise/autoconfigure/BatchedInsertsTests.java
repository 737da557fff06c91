package dev.poolwise.autoconfigure;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.List;
import java.util.stream.IntStream;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.poolwise.test.PostgresServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * db.pool.rewrite-batched-inserts on a real server: pgjdbc turns a batch of single-row INSERTs into
 * multi-row INSERTs, which callers see only in the update counts, and every row arrives as written.
 */
class BatchedInsertsTests {

	private static final String INSERT = "INSERT INTO batched_rows (id, name, amount) VALUES (?, ?, ?)";

	private static final int ROWS = 1_000;

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, PoolwiseAutoConfiguration.class))
		.withPropertyValues(PostgresServer.datasourceProperties());

	@AfterEach
	void dropTable() throws SQLException {
		try (Connection connection = PostgresServer.connect(); Statement statement = connection.createStatement()) {
			statement.execute("DROP TABLE IF EXISTS batched_rows");
		}
	}

	@Test
	void byDefaultABatchOfInsertsIsRewrittenAndEveryRowArrivesAsWritten() {
		this.contextRunner.run((context) -> {
			JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
			int[] counts = insertBatch(jdbc);
			assertThat(counts).hasSize(ROWS).containsOnly(Statement.SUCCESS_NO_INFO);
			assertThat(rows(jdbc)).containsExactlyElementsOf(expectedRows());
		});
	}

	@Test
	void withRewriteOffEachInsertOfABatchReportsItsOneRow() {
		this.contextRunner.withPropertyValues("db.pool.rewrite-batched-inserts=false").run((context) -> {
			JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
			assertThat(insertBatch(jdbc)).hasSize(ROWS).containsOnly(1);
			assertThat(rows(jdbc)).containsExactlyElementsOf(expectedRows());
		});
	}

	@Test
	void aBatchThatAsksForGeneratedKeysIsNotRewrittenAndReturnsEveryKey() {
		this.contextRunner.run((context) -> {
			JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
			createTable(jdbc);
			try (Connection connection = context.getBean(DataSource.class).getConnection();
					PreparedStatement insert = connection.prepareStatement(INSERT, new String[] { "id" })) {
				for (Row row : expectedRows()) {
					row.bind(insert);
					insert.addBatch();
				}
				assertThat(insert.executeBatch()).hasSize(ROWS).containsOnly(1);
				int keys = 0;
				try (ResultSet generated = insert.getGeneratedKeys()) {
					while (generated.next()) {
						keys++;
					}
				}
				assertThat(keys).isEqualTo(ROWS);
			}
			assertThat(rows(jdbc)).containsExactlyElementsOf(expectedRows());
		});
	}

	@Test
	void aUrlThatSetsReWriteBatchedInsertsWinsOverTheDefault() {
		this.contextRunner
			.withPropertyValues("spring.datasource.url=" + PostgresServer.jdbcUrl() + urlParameter("false"))
			.run((context) -> {
				JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
				assertThat(insertBatch(jdbc)).containsOnly(1);
			});
	}

	@Test
	void aUrlThatSetsReWriteBatchedInsertsNextToTheDbPoolPropertyFailsStartup() {
		this.contextRunner
			.withPropertyValues("spring.datasource.url=" + PostgresServer.jdbcUrl() + urlParameter("false"),
					"db.pool.rewrite-batched-inserts=true")
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new PoolConfigurationFailureAnalyzer().analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("it sets reWriteBatchedInserts")
					.contains("db.pool.rewrite-batched-inserts");
			});
	}

	private static String urlParameter(String value) {
		return (PostgresServer.jdbcUrl().contains("?") ? "&" : "?") + "reWriteBatchedInserts=" + value;
	}

	private static int[] insertBatch(JdbcTemplate jdbc) {
		createTable(jdbc);
		List<Row> rows = expectedRows();
		return jdbc.batchUpdate(INSERT, rows, rows.size(), (statement, row) -> row.bind(statement))[0];
	}

	private static void createTable(JdbcTemplate jdbc) {
		jdbc.execute("CREATE TABLE batched_rows (id bigint PRIMARY KEY, name text NOT NULL, amount integer)");
	}

	private static List<Row> rows(JdbcTemplate jdbc) {
		return jdbc.query("SELECT id, name, amount FROM batched_rows ORDER BY id",
				(result, index) -> new Row(result.getLong(1), result.getString(2), (Integer) result.getObject(3)));
	}

	/**
	 * Names of varying length with quotes and non-ASCII characters, and some null amounts, so a wrongly
	 * rewritten statement could not leave the same rows.
	 */
	private static List<Row> expectedRows() {
		return IntStream.rangeClosed(1, ROWS)
			.mapToObj((id) -> new Row(id, "row '" + id + "' ü".repeat(1 + id % 3), (id % 7 == 0) ? null : id * 3))
			.toList();
	}

	private record Row(long id, String name, Integer amount) {

		void bind(PreparedStatement statement) throws SQLException {
			statement.setLong(1, this.id);
			statement.setString(2, this.name);
			statement.setObject(3, this.amount, Types.INTEGER);
		}

	}

}
