/**
 * The full run (every variant at every client count, the endpoints under saturation, startup) and the
 * attribution of the realistic configuration's cost.
 */
@NullMarked
package dev.poolwise.benchmarks.studies.throughput;

import org.jspecify.annotations.NullMarked;
