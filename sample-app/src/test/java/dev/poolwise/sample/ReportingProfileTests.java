package dev.poolwise.sample;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;

import dev.poolwise.tuned.TunedPools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The reporting profile runs two pools, and each gets the shared db.pool settings with its own overrides.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
@ActiveProfiles("reporting")
class ReportingProfileTests {

	private final TunedPools pools;

	private final HikariDataSource primary;

	private final HikariDataSource reporting;

	ReportingProfileTests(@Autowired TunedPools pools, @Autowired @Qualifier("dataSource") HikariDataSource primary,
			@Autowired @Qualifier("reportingDataSource") HikariDataSource reporting) {
		this.pools = pools;
		this.primary = primary;
		this.reporting = reporting;
	}

	@Test
	void eachPoolGetsItsOwnValues() throws SQLException {
		assertThat(this.pools.all()).extracting((pool) -> pool.beanName())
			.containsExactly("dataSource", "reportingDataSource");
		assertThat(this.primary.getMinimumIdle()).isEqualTo(5);
		assertThat(this.primary.getMaximumPoolSize()).isEqualTo(10);
		assertThat(this.reporting.getMinimumIdle()).isEqualTo(1);
		assertThat(this.reporting.getMaximumPoolSize()).isEqualTo(3);
		assertThat(this.reporting.getConnectionTimeout()).isEqualTo(30_000);
		assertThat(show(this.primary, "statement_timeout")).isEqualTo("30s");
		assertThat(show(this.reporting, "statement_timeout")).isEqualTo("5min");
		assertThat(show(this.reporting, "work_mem")).isEqualTo("64MB");
		assertThat(show(this.reporting, "application_name")).isEqualTo("poolwise-sample-reporting");
	}

	@Test
	void theReportingPoolIsReadOnly() throws SQLException {
		try (Connection connection = this.reporting.getConnection(); Statement statement = connection.createStatement()) {
			assertThatExceptionOfType(SQLException.class)
				.isThrownBy(() -> statement.execute("UPDATE account SET balance = balance WHERE id = 1"))
				.withMessageContaining("read-only");
		}
	}

	private static String show(HikariDataSource pool, String name) throws SQLException {
		try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement();
				ResultSet row = statement.executeQuery("SHOW " + name)) {
			row.next();
			return row.getString(1);
		}
	}

}
