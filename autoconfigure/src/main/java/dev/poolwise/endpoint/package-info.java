/**
 * The {@code /actuator/dbpool} endpoint: each tuned pool's configuration, counters, server and size advice,
 * and a runtime resize.
 */
@NullMarked
package dev.poolwise.endpoint;

import org.jspecify.annotations.NullMarked;
