package dev.poolwise.pool;

import java.sql.SQLException;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The one masking rule for exception messages that leave the process through health, the endpoint or a log
 * line.
 */
class RedactionTests {

	@Test
	void aMessageLosesThePoolsPasswordAndTheUrlsSecrets() {
		try (HikariDataSource pool = new HikariDataSource()) {
			pool.setJdbcUrl("jdbc:postgresql://app:s3cret-url@db:5432/orders?password=s3cret-param");
			pool.setPassword("s3cret-pool");
			SQLException ex = new SQLException("Could not reach " + pool.getJdbcUrl() + " as app/s3cret-pool");
			assertThat(Redaction.describe(ex, pool)).isEqualTo("java.sql.SQLException: Could not reach "
					+ "jdbc:postgresql://******@db:5432/orders?password=****** as app/******");
		}
	}

	@Test
	void quotedValuesHidesTheNamesAndKeyValuesAServerMessageQuotesAndKeepsItsSense() {
		assertThat(Redaction.quotedValues("its check failed (28P01: FATAL: password authentication failed for user "
				+ "\"app\")")).isEqualTo("its check failed (28P01: FATAL: password authentication failed for user "
						+ "\"******\")");
		assertThat(Redaction.quotedValues("duplicate key value violates unique constraint \"users_email_key\" "
				+ "Detail: Key (email)=(ann@example.com) already exists.")).isEqualTo("duplicate key value violates "
						+ "unique constraint \"******\" Detail: Key (email)=(******) already exists.");
		assertThat(Redaction.quotedValues("replay lag 1200 ms exceeds db.pool.replicas.max-lag (1000 ms)"))
			.isEqualTo("replay lag 1200 ms exceeds db.pool.replicas.max-lag (1000 ms)");
	}

	@Test
	void aMissingMessageIsSaidAsSuch() {
		try (HikariDataSource pool = new HikariDataSource()) {
			assertThat(Redaction.message(null, pool)).isEqualTo("null");
		}
	}

}
