/**
 * The autosizing study: fixed pools, FlexyPool and Poolwise's autosize under step, spike, CPU-bound and fleet
 * workloads.
 */
@NullMarked
package dev.poolwise.benchmarks.studies.autosize;

import org.jspecify.annotations.NullMarked;
