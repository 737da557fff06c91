/**
 * Wiring of schema migrations (Flyway) to connections of their own.
 */
@NullMarked
package dev.poolwise.autoconfigure.migration;

import org.jspecify.annotations.NullMarked;
