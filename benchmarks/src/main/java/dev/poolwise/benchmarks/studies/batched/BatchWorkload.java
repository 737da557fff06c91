package dev.poolwise.benchmarks.studies.batched;

import java.sql.Types;
import java.util.List;
import java.util.stream.IntStream;

import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.JdbcTemplate;

import dev.poolwise.benchmarks.studies.batched.jpa.BatchedEntity;

/**
 * The batched writes the benchmark times: 10,000 rows of three columns into a table with a primary key,
 * through {@code JdbcTemplate.batchUpdate} in batches of 100 and of 1,000, and as entities through Spring
 * Data JPA's {@code saveAll} (Hibernate batches of 50, sequence ids). Each starts on an empty table, and
 * each leaves a checksum of what it wrote so both sides' rows can be compared.
 */
enum BatchWorkload {

	JDBC_100("`JdbcTemplate.batchUpdate`, batches of 100", 100),

	JDBC_1000("`JdbcTemplate.batchUpdate`, batches of 1,000", 1_000),

	JPA("Spring Data JPA `saveAll`, Hibernate batches of 50", 50),

	/**
	 * Not a write: 10,000 primary-key reads through 300 distinct statements in turn, more than pgjdbc's
	 * statement cache holds (256), to measure its size. Only with {@code -Dbench.batch.drivers=true}.
	 */
	DISTINCT_READS("300 distinct prepared reads in turn (operations/s)", 300);

	static final int ROWS = 10_000;

	static final String SCHEMA = """
			CREATE TABLE batched_rows (id bigint PRIMARY KEY, name text NOT NULL, amount integer);
			CREATE SEQUENCE batched_entities_seq INCREMENT BY 50;
			CREATE TABLE batched_entities (id bigint PRIMARY KEY, number integer NOT NULL, name text NOT NULL,
				amount integer)""";

	private static final String INSERT = "INSERT INTO batched_rows (id, name, amount) VALUES (?, ?, ?)";

	private static final List<Integer> IDS = IntStream.rangeClosed(1, ROWS).boxed().toList();

	private final String label;

	private final int batchSize;

	BatchWorkload(String label, int batchSize) {
		this.label = label;
		this.batchSize = batchSize;
	}

	String label() {
		return this.label;
	}

	/**
	 * Empties the workload's table, outside the timed part.
	 */
	void reset(WriteApplication application) {
		if (this != DISTINCT_READS) {
			application.jdbc().execute("TRUNCATE " + table());
		}
	}

	/**
	 * Writes the rows; the part that is timed.
	 */
	void write(WriteApplication application) {
		if (this == DISTINCT_READS) {
			long sum = 0;
			for (int id : IDS) {
				sum += application.jdbc()
					.queryForObject("SELECT amount FROM batched_rows WHERE id = ? AND " + (id % this.batchSize)
							+ " >= 0", Long.class, Math.max(1, id % ROWS - 1) / 10 * 10 + 1);
			}
			application.lastReadSum(sum);
			return;
		}
		if (this == JPA) {
			application.repository()
				.saveAll(IDS.stream().map((number) -> new BatchedEntity(number, name(number), amount(number))).toList());
			return;
		}
		application.jdbc().batchUpdate(INSERT, IDS, this.batchSize, (statement, id) -> {
			statement.setLong(1, id);
			statement.setString(2, name(id));
			statement.setObject(3, amount(id), Types.INTEGER);
		});
	}

	/**
	 * Row count and an MD5 of every row's content in a fixed order; for the JPA workload the ids are
	 * left out (each side draws its own from the sequence) and their count must equal the row count.
	 */
	String checksum(WriteApplication application) {
		if (this == DISTINCT_READS) {
			return ROWS + " rows read, sum " + application.lastReadSum();
		}
		String sql = (this == JPA)
				? "SELECT count(*) || ' rows, ' || count(DISTINCT id) || ' ids, md5 ' || md5(string_agg(number || ','"
						+ " || name || ',' || coalesce(amount::text, '-'), ';' ORDER BY number)) FROM batched_entities"
				: "SELECT count(*) || ' rows, md5 ' || md5(string_agg(id || ',' || name || ',' || coalesce(amount::text,"
						+ " '-'), ';' ORDER BY id)) FROM batched_rows";
		return application.jdbc().queryForObject(sql, String.class);
	}

	private String table() {
		return (this == JPA) ? "batched_entities" : "batched_rows";
	}

	private static String name(int id) {
		return "row " + id + " of the batched-writes benchmark";
	}

	private static @Nullable Integer amount(int id) {
		return (id % 10 == 0) ? null : id * 3;
	}

}
