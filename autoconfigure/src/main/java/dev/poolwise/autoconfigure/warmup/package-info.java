/**
 * Auto-configuration of the {@code dbPoolWarm} readiness indicator.
 */
@NullMarked
package dev.poolwise.autoconfigure.warmup;

import org.jspecify.annotations.NullMarked;
