/**
 * Auto-configuration of checks on the HikariCP version.
 */
@NullMarked
package dev.poolwise.autoconfigure.hikari;

import org.jspecify.annotations.NullMarked;
