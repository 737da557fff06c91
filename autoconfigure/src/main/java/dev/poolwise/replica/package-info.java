/**
 * Read replicas: one tuned pool per streaming standby, each one's replay lag measured against the primary,
 * and the routing that sends read-only transactions to a replica that is up, caught up and past the caller's
 * own last write, else to the primary.
 */
@NullMarked
package dev.poolwise.replica;

import org.jspecify.annotations.NullMarked;
