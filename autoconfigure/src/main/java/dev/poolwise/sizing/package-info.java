/**
 * Pool bounds derived from the number of concurrent workers.
 */
@NullMarked
package dev.poolwise.sizing;

import org.jspecify.annotations.NullMarked;
