package dev.poolwise.sample.accounts;

import java.math.BigDecimal;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Records transfers.
 */
@Repository
class TransferRepository {

	private final JdbcClient jdbcClient;

	TransferRepository(JdbcClient jdbcClient) {
		this.jdbcClient = jdbcClient;
	}

	Transfer insert(long from, long to, BigDecimal amount) {
		return this.jdbcClient
			.sql("INSERT INTO transfer (from_account, to_account, amount) VALUES (:from, :to, :amount) "
					+ "RETURNING id, from_account AS \"from\", to_account AS \"to\", amount, created_at")
			.param("from", from)
			.param("to", to)
			.param("amount", amount)
			.query(Transfer.class)
			.single();
	}

}
