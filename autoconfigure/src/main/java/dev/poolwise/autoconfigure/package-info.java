/**
 * Wiring: the auto-configuration, {@code db.pool} properties, the post-processor that hands Spring Boot's
 * pools to the tuner, and the failure analyzers.
 */
@NullMarked
package dev.poolwise.autoconfigure;

import org.jspecify.annotations.NullMarked;
