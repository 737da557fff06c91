/**
 * Wiring of the {@code dbPool} health contributor.
 */
@NullMarked
package dev.poolwise.autoconfigure.health;

import org.jspecify.annotations.NullMarked;
