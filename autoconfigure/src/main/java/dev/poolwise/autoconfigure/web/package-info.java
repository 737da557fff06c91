/**
 * Auto-configuration of Poolwise's Spring MVC support.
 */
@NullMarked
package dev.poolwise.autoconfigure.web;

import org.jspecify.annotations.NullMarked;
