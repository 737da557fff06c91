/**
 * The {@code dbPool} health indicator: a pool's counters and a bounded probe of its server.
 */
@NullMarked
package dev.poolwise.health;

import org.jspecify.annotations.NullMarked;
