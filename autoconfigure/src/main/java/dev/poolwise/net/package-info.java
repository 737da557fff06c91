/**
 * Connections beside the pool, and the socket factory pgjdbc creates for TCP keepalive timing.
 */
@NullMarked
package dev.poolwise.net;

import org.jspecify.annotations.NullMarked;
