/**
 * Server-side prepared statements through PgBouncer 1.24.1 in transaction pooling: kept against off.
 */
@NullMarked
package dev.poolwise.benchmarks.studies.pgbouncer;

import org.jspecify.annotations.NullMarked;
