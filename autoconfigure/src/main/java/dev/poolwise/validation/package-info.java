/**
 * Configuration problems in the words a user needs to fix them, reported all at once.
 */
@NullMarked
package dev.poolwise.validation;

import org.jspecify.annotations.NullMarked;
