/**
 * Wiring of Poolwise's meters and the server-statistics sampler.
 */
@NullMarked
package dev.poolwise.autoconfigure.metrics;

import org.jspecify.annotations.NullMarked;
