/**
 * The cost of TLS from an SSL bundle against plain TCP: per new connection, handshake included, and on the
 * borrow-and-query path of a warm pool.
 */
@NullMarked
package dev.poolwise.benchmarks.studies.tls;

import org.jspecify.annotations.NullMarked;
