/**
 * The questions the benchmarks answer, one subpackage per study, each a
 * {@link dev.poolwise.benchmarks.studies.Study} chosen by its {@code Mode}. Studies depend on the harness
 * and the reports, never on each other.
 */
@NullMarked
package dev.poolwise.benchmarks.studies;

import org.jspecify.annotations.NullMarked;
