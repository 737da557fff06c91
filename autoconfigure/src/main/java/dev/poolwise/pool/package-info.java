/**
 * One Hikari pool as plain values: its settings, its counters, and what may be said about its URL.
 */
@NullMarked
package dev.poolwise.pool;

import org.jspecify.annotations.NullMarked;
