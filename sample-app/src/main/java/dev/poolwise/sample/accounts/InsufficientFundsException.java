package dev.poolwise.sample.accounts;

import java.math.BigDecimal;

/**
 * A transfer refused because the debited account does not hold the amount. It may succeed later, once money
 * has come in.
 */
class InsufficientFundsException extends RuntimeException {

	InsufficientFundsException(long account, BigDecimal balance, BigDecimal amount) {
		super("Account " + account + " holds " + balance.toPlainString() + ", less than " + amount.toPlainString());
	}

}
