/**
 * Auto-configuration of the drain on shutdown.
 */
@NullMarked
package dev.poolwise.autoconfigure.drain;

import org.jspecify.annotations.NullMarked;
