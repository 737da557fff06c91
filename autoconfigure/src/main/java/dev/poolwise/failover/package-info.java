/**
 * Following the primary through a failover: evicting connections to a server that has become read-only
 * or gone, and telling which server a connection is on.
 */
@NullMarked
package dev.poolwise.failover;

import org.jspecify.annotations.NullMarked;
