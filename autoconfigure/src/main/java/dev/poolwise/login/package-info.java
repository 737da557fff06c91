/**
 * Logins of a pool's connections: which the server rejected, counted where Hikari opens them, the login
 * switches in effect (requireAuth, channelBinding, sslNegotiation), refusals explained by the key that set
 * them, and the driver versions whose flaws weaken those switches.
 */
@NullMarked
package dev.poolwise.login;

import org.jspecify.annotations.NullMarked;
