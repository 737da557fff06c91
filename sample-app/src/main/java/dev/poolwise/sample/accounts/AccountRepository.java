package dev.poolwise.sample.accounts;

import java.math.BigDecimal;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Reads and updates accounts.
 */
@Repository
class AccountRepository {

	private final JdbcClient jdbcClient;

	AccountRepository(JdbcClient jdbcClient) {
		this.jdbcClient = jdbcClient;
	}

	List<Account> findAll() {
		return this.jdbcClient.sql("SELECT id, owner, balance FROM account ORDER BY id").query(Account.class).list();
	}

	Optional<Account> findById(long id) {
		return this.jdbcClient.sql("SELECT id, owner, balance FROM account WHERE id = :id")
			.param("id", id)
			.query(Account.class)
			.optional();
	}

	/**
	 * Locks the given accounts for the rest of the transaction. Rows are locked in id order, so two
	 * transfers between the same accounts in opposite directions queue instead of deadlocking.
	 * @param ids the accounts
	 * @return the accounts that exist, in id order
	 */
	List<Account> lockInIdOrder(Collection<Long> ids) {
		return this.jdbcClient.sql("SELECT id, owner, balance FROM account WHERE id IN (:ids) ORDER BY id FOR UPDATE")
			.param("ids", ids)
			.query(Account.class)
			.list();
	}

	void addToBalance(long id, BigDecimal amount) {
		this.jdbcClient.sql("UPDATE account SET balance = balance + :amount WHERE id = :id")
			.param("amount", amount)
			.param("id", id)
			.update();
	}

}
