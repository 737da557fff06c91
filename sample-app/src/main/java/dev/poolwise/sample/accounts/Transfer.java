package dev.poolwise.sample.accounts;

import java.math.BigDecimal;
import java.time.OffsetDateTime;

/**
 * Money moved from one account to another.
 *
 * @param id the transfer number
 * @param from the debited account
 * @param to the credited account
 * @param amount the money moved
 * @param createdAt when it was committed
 */
public record Transfer(long id, long from, long to, BigDecimal amount, OffsetDateTime createdAt) {

}
