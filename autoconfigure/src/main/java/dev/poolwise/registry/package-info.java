/**
 * Every live Poolwise pool of the JVM, whichever context owns it, and where each connects.
 */
@NullMarked
package dev.poolwise.registry;

import org.jspecify.annotations.NullMarked;
