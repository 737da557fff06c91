package dev.poolwise.login;

import java.sql.SQLException;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

import dev.poolwise.validation.Violation;

/**
 * Turns a login that pgjdbc refused on the pool's own switches into one sentence naming the property
 * responsible and the fix. pgjdbc says {@code Authentication method is not allowed by requireAuth} or
 * {@code Channel binding is required, but ...}: neither names the Poolwise key that set the switch, nor,
 * for a default, that the user can change it.
 *
 * @param requireAuth the requireAuth the pool's connections send, or null
 * @param requireAuthKey the property that set it, as the user writes it
 * @param cleartextKey the key that lets a cleartext password through, when requireAuth is Poolwise's default
 * refusal of one; null when the user set requireAuth
 * @param channelBindingKey the property that set channelBinding
 */
public record AuthFailures(@Nullable String requireAuth, String requireAuthKey, @Nullable String cleartextKey,
		String channelBindingKey) {

	/** What Poolwise sends when no TLS is required and nobody allowed a cleartext password. */
	public static final String NO_CLEARTEXT = "!password";

	/**
	 * Explains a refused login when one of the switches refused it.
	 * @param failure what pgjdbc threw
	 * @param server {@code host:port}, for messages
	 * @return the violation, or null when the failure is not about the switches
	 */
	public @Nullable Violation explain(SQLException failure, String server) {
		String message = String.valueOf(failure.getMessage());
		if (message.contains("not allowed by requireAuth") && this.requireAuth != null) {
			if (this.cleartextKey != null) {
				return new Violation(this.cleartextKey, false, "the server at " + server + " asked for the password "
						+ "in cleartext (pg_hba.conf method password, ldap, pam, radius or bsd) over a connection that is not required to use "
						+ "TLS, where anyone on the network path can read it, so Poolwise refused to send it "
						+ "(requireAuth=" + this.requireAuth + ")",
						"Change the role's pg_hba.conf line to scram-sha-256 where the method allows; or require TLS (db.pool.ssl.bundle, or "
								+ "sslmode=verify-full in spring.datasource.url), which sends the password encrypted "
								+ "and lifts this refusal; or set " + this.cleartextKey + "=true to send it anyway.");
			}
			return new Violation(this.requireAuthKey, this.requireAuth, "the server at " + server
					+ " asked for an authentication method that it does not allow",
					"Allow the method the role's pg_hba.conf line names, or change that line to an allowed method "
							+ "(scram-sha-256 for a password).");
		}
		if (message.toLowerCase(Locale.ROOT).contains("channel binding is required")) {
			return new Violation(this.channelBindingKey, "require", "the login at " + server
					+ " could not be bound to the TLS session: " + firstLine(message),
					"Channel binding needs a SCRAM login over TLS: set the role's pg_hba.conf method to scram-sha-256 "
							+ "(its password stored as SCRAM), connect with TLS, and give the server a certificate "
							+ "signed with RSA or ECDSA; or set " + this.channelBindingKey + "=prefer.");
		}
		return null;
	}

	/**
	 * Explains a failure, or returns it as it is.
	 * @param failure what pgjdbc threw
	 * @param server {@code host:port}, for messages
	 * @return a failure whose message names the property and the fix, with the driver's as its cause and its
	 * SQLState; or the failure itself
	 */
	public SQLException explained(SQLException failure, String server) {
		Violation violation = explain(failure, server);
		return (violation != null)
				? new SQLException(violation.describe() + " " + violation.fix(), failure.getSQLState(), failure)
				: failure;
	}

	private static String firstLine(String message) {
		int end = message.indexOf('\n');
		String line = (end < 0) ? message : message.substring(0, end);
		return line.endsWith(".") ? line.substring(0, line.length() - 1) : line;
	}

}
