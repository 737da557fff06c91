/**
 * Schema migrations beside the pool: their own short-lived connections with a statement timeout of their
 * own, so a migration neither hits the application's timeout nor leaves its settings on a pooled connection.
 */
@NullMarked
package dev.poolwise.migration;

import org.jspecify.annotations.NullMarked;
