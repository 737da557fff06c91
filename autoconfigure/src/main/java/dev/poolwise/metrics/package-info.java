/**
 * Poolwise's meters: pool-tagged gauges over Hikari's counters and timers, and the background sampler of
 * server-side statistics they read.
 */
@NullMarked
package dev.poolwise.metrics;

import org.jspecify.annotations.NullMarked;
