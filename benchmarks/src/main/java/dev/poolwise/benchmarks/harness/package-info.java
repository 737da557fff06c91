/**
 * What every study measures with: the PostgreSQL server, the applications compared, load generators,
 * alternating rounds, client JVMs' building blocks, the machine's description, and the one reader of the
 * {@code -Dbench.*} settings with the {@link dev.poolwise.benchmarks.harness.Mode} they choose. Imports
 * nothing from the studies or the reports.
 */
@NullMarked
package dev.poolwise.benchmarks.harness;

import org.jspecify.annotations.NullMarked;
