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
	void aMissingMessageIsSaidAsSuch() {
		try (HikariDataSource pool = new HikariDataSource()) {
			assertThat(Redaction.message(null, pool)).isEqualTo("null");
		}
	}

}
