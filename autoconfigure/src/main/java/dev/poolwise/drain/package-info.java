/**
 * Draining pools on shutdown: waiting for borrowed connections to come back, naming those that do not, and
 * closing the pools so their sessions leave the server.
 */
@NullMarked
package dev.poolwise.drain;

import org.jspecify.annotations.NullMarked;
