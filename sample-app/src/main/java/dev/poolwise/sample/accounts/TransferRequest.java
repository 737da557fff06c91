package dev.poolwise.sample.accounts;

import java.math.BigDecimal;

/**
 * The body of {@code POST /transfers}. Fields are nullable so a missing one is reported by name instead of
 * failing deserialization.
 *
 * @param from the account to debit
 * @param to the account to credit
 * @param amount the money to move, positive with at most two decimals
 */
public record TransferRequest(Long from, Long to, BigDecimal amount) {

}
