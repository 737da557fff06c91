/**
 * Tuning one pool at startup: resolve, apply, check against the server, register, report.
 */
@NullMarked
package dev.poolwise.startup;

import org.jspecify.annotations.NullMarked;
