/**
 * The long fault soak: the engine of autoconfigure's {@code FaultSoakTests} for minutes, with any seed,
 * and its committed report ({@code -Dbench.mode=fault-soak}).
 */
@NullMarked
package dev.poolwise.benchmarks.studies.soak;

import org.jspecify.annotations.NullMarked;
