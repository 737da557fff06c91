/**
 * From a pool's settings to its effective configuration: which key wins, the rules Hikari and pgjdbc would
 * otherwise enforce silently, and where every value came from. No Spring, no server.
 */
@NullMarked
package dev.poolwise.tuning;

import org.jspecify.annotations.NullMarked;
