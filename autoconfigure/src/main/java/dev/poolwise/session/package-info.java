/**
 * PostgreSQL session settings: validation, delivery in the startup packet, and the check against the
 * server.
 */
@NullMarked
package dev.poolwise.session;

import org.jspecify.annotations.NullMarked;
