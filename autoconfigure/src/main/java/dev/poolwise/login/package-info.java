/**
 * Logins of a pool's connections: which the server rejected, counted where Hikari opens them.
 */
@NullMarked
package dev.poolwise.login;

import org.jspecify.annotations.NullMarked;
