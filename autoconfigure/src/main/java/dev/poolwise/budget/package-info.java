/**
 * The server's connection budget and the one policy that judges pools against it.
 */
@NullMarked
package dev.poolwise.budget;

import org.jspecify.annotations.NullMarked;
