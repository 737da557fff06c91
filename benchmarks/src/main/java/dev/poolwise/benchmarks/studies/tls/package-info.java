/**
 * The cost of TLS from an SSL bundle against plain TCP and pgjdbc's own TLS: per new connection, handshake
 * included, and on the borrow-and-query path of a warm pool ({@code -Dbench.mode=tls}).
 */
@NullMarked
package dev.poolwise.benchmarks.studies.tls;

import org.jspecify.annotations.NullMarked;
