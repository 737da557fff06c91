/**
 * Readiness of a cold pool: an instance takes traffic once its pool holds its permanent connections.
 */
@NullMarked
package dev.poolwise.warmup;

import org.jspecify.annotations.NullMarked;
