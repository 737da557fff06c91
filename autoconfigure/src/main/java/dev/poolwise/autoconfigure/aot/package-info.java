/**
 * Hints for Spring AOT and GraalVM native images about what Poolwise and the libraries it configures reach
 * reflectively or as resources.
 */
@NullMarked
package dev.poolwise.autoconfigure.aot;

import org.jspecify.annotations.NullMarked;
