/**
 * The fault soak: every fault Poolwise documents a bound for, injected at random from a seed under a
 * ledger's load, and the checks that nothing acknowledged was lost or doubled and every failure was
 * documented.
 */
@NullMarked
package dev.poolwise.soak;

import org.jspecify.annotations.NullMarked;
