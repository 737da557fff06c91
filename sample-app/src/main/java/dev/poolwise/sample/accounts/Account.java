package dev.poolwise.sample.accounts;

import java.math.BigDecimal;

/**
 * An account and its current balance.
 *
 * @param id the account number
 * @param owner who holds it
 * @param balance the money on it, never negative
 */
public record Account(long id, String owner, BigDecimal balance) {

}
