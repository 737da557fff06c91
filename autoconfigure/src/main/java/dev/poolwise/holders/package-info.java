/**
 * Who holds a pool's connections: the thread of each lent connection, since when, its backend in
 * {@code pg_stat_activity}, and the one report made when the pool runs dry.
 */
@NullMarked
package dev.poolwise.holders;

import org.jspecify.annotations.NullMarked;
