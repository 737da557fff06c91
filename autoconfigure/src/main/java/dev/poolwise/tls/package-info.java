/**
 * TLS to PostgreSQL from a Spring Boot SSL bundle: the socket factory pgjdbc instantiates, the bundle's
 * current material per new connection, gradual replacement of connections after a rotation, and the
 * certificates seen, for health, metrics and startup errors.
 */
@NullMarked
package dev.poolwise.tls;

import org.jspecify.annotations.NullMarked;
