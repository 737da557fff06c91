/**
 * The pools Poolwise tuned in one application context, with what each resolved and measured at startup:
 * what health, metrics and the endpoint read.
 */
@NullMarked
package dev.poolwise.tuned;

import org.jspecify.annotations.NullMarked;
