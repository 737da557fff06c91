/**
 * Wiring of the {@code dbpool} actuator endpoint.
 */
@NullMarked
package dev.poolwise.autoconfigure.endpoint;

import org.jspecify.annotations.NullMarked;
