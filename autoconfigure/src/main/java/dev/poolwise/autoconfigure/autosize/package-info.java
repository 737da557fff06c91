/**
 * Wiring of the autosize controllers.
 */
@NullMarked
package dev.poolwise.autoconfigure.autosize;

import org.jspecify.annotations.NullMarked;
