/**
 * The benchmarks' entry points: the JMH benchmarks of a borrow and of a new connection, and
 * {@link dev.poolwise.benchmarks.LoadBenchmark}, which runs the study of the chosen mode.
 */
@NullMarked
package dev.poolwise.benchmarks;

import org.jspecify.annotations.NullMarked;
