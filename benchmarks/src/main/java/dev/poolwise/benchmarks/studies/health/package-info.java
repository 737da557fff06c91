/**
 * Health against Prometheus latency under a saturated pool and CPU.
 */
@NullMarked
package dev.poolwise.benchmarks.studies.health;

import org.jspecify.annotations.NullMarked;
