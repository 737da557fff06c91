/**
 * The autosize controller: a pure decision over measured load, and the driver that measures each pool,
 * claims its share of the server's connection budget through PostgreSQL and applies the decisions.
 */
@NullMarked
package dev.poolwise.autosize;

import org.jspecify.annotations.NullMarked;
