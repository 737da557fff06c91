/**
 * Who waits: Poolwise's fair waiting line against Hikari's own hand-off under many virtual threads.
 */
@NullMarked
package dev.poolwise.benchmarks.studies.fairqueue;

import org.jspecify.annotations.NullMarked;
