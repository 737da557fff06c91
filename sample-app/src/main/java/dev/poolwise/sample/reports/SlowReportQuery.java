package dev.poolwise.sample.reports;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * A report query that holds its connection for a chosen time, as a slow analytical query would.
 */
@Repository
class SlowReportQuery {

	private final JdbcClient jdbcClient;

	SlowReportQuery(JdbcClient jdbcClient) {
		this.jdbcClient = jdbcClient;
	}

	@Transactional(readOnly = true)
	SlowReport run(double seconds) {
		return this.jdbcClient
			.sql("SELECT :seconds AS seconds, count(*) AS accounts, coalesce(sum(balance), 0) AS total_balance "
					+ "FROM pg_sleep(:seconds) CROSS JOIN account")
			.param("seconds", seconds)
			.query(SlowReport.class)
			.single();
	}

}
