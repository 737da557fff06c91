/**
 * What a web application answers when its request found no pool connection in time: a 503 with
 * {@code Retry-After} and a problem detail, instead of the 500 any unhandled exception gets; and the token
 * that carries read-your-writes from a request that wrote to the next one.
 */
@NullMarked
package dev.poolwise.web;

import org.jspecify.annotations.NullMarked;
