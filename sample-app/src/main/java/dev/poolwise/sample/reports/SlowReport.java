package dev.poolwise.sample.reports;

import java.math.BigDecimal;

/**
 * Totals over all accounts, computed by a query that first sleeps on the server.
 *
 * @param seconds how long the query slept while holding its connection
 * @param accounts the number of accounts
 * @param totalBalance the money on all accounts together, constant under transfers
 */
public record SlowReport(double seconds, long accounts, BigDecimal totalBalance) {

}
