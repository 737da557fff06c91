package dev.poolwise.tls;

import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import dev.poolwise.validation.Violation;

/**
 * Turns a failed TLS connection of a pool with an SSL bundle into one sentence naming the key, what the
 * server sent and the fix, from the certificate {@link RecordingTrustManager} saw in the handshake. A
 * driver's or JSSE's message ({@code PKIX path building failed}, {@code The hostname ... could not be
 * verified}) says neither which names the certificate has nor which bundle is at fault.
 */
public final class TlsFailures {

	private static final Pattern HOSTNAME = Pattern.compile("The hostname (\\S+) could not be verified");

	private static final List<String> CLIENT_ALERTS = List.of("bad_certificate", "unknown_ca", "certificate_unknown",
			"certificate_expired", "certificate_revoked", "access_denied", "certificate_required", "decrypt_error");

	private final PoolTls tls;

	private final String bundleKey;

	private final String modeKey;

	/**
	 * @param tls the pool's TLS
	 * @param bundleKey the property that names the bundle, as the user wrote it
	 * @param modeKey the property of the mode, to suggest
	 */
	public TlsFailures(PoolTls tls, String bundleKey, String modeKey) {
		this.tls = tls;
		this.bundleKey = bundleKey;
		this.modeKey = modeKey;
	}

	/**
	 * Explains a failed connection when TLS was the cause.
	 * @param failure what pgjdbc threw
	 * @param server {@code host:port}, for messages
	 * @return the violation, or null when the failure is not about TLS
	 */
	public @Nullable Violation explain(SQLException failure, String server) {
		return explain(failure, server, this.tls.clientCertificate());
	}

	/**
	 * Explains a failed test connection with a reloaded bundle's material when TLS was the cause.
	 * @param failure what pgjdbc threw
	 * @param server {@code host:port}, for messages
	 * @return the violation, or null when the failure is not about TLS
	 */
	public @Nullable Violation explainCandidate(SQLException failure, String server) {
		return explain(failure, server, this.tls.candidateClientCertificate());
	}

	/**
	 * Explains a failure, or returns it as it is.
	 * @param failure what pgjdbc threw
	 * @param server {@code host:port}, for messages
	 * @return a failure whose message names the bundle's property, what the server sent and the fix, with
	 * the driver's as its cause and its SQLState; or the failure itself when it is not about TLS
	 */
	public SQLException explained(SQLException failure, String server) {
		Violation violation = explain(failure, server);
		return (violation != null)
				? new SQLException(violation.describe() + " " + violation.fix(), failure.getSQLState(), failure)
				: failure;
	}

	private @Nullable Violation explain(SQLException failure, String server, @Nullable CertificateInfo client) {
		String bundle = "'" + this.tls.bundleName() + "'";
		CertificateInfo seen = this.tls.presentedCertificate();
		String certificate = (seen != null) ? "the server's certificate (subject " + seen.subject() + ", issued by "
				+ seen.issuer() + ")" : "the server's certificate";
		String messages = messages(failure);
		if (messages.contains("does not support SSL")) {
			return violation("the server at " + server + " does not offer TLS (it refused the SSL request)",
					"Turn TLS on at the server (ssl = on with ssl_cert_file and ssl_key_file in postgresql.conf), or "
							+ "remove " + this.bundleKey + " to connect without TLS.");
		}
		if (has(failure, CertificateExpiredException.class) || isExpired(seen)) {
			return violation(certificate + " expired"
					+ ((seen != null) ? " at " + seen.notAfter() : ""),
					"Install a renewed certificate at the server (ssl_cert_file, then SELECT pg_reload_conf()).");
		}
		Matcher hostname = HOSTNAME.matcher(messages);
		if (hostname.find()) {
			if (seen != null) {
				this.tls.rejected(seen);
			}
			String names = (seen != null) ? seen.describeNames() : "names Poolwise could not read";
			return violation(certificate + " does not name the host " + hostname.group(1) + "; it names " + names,
					"Connect to one of those names in spring.datasource.url, re-issue the server certificate with "
							+ hostname.group(1) + " in its subjectAltName, or set " + this.modeKey
							+ "=verify-ca to check the certificate chain only.");
		}
		if (has(failure, CertPathBuilderException.class) || has(failure, CertPathValidatorException.class)
				|| messages.contains("unable to find valid certification path")) {
			return violation(certificate + " is not signed by a certificate authority in the trust material of "
					+ "SSL bundle " + bundle,
					"Add the certificate of the authority that issued it to the bundle's trust material "
							+ "(" + this.tls.bundleKey() + ".truststore.certificate), or point "
							+ "spring.datasource.url at the server you meant.");
		}
		String alert = clientAlert(messages);
		if (alert != null || (isAuthorization(failure) && messages.toLowerCase(Locale.ROOT).contains("certificate"))) {
			String presented = (client != null) ? "client certificate (subject " + client.subject() + ", issued by "
					+ client.issuer() + ", expires " + client.notAfter() + ")" : "no client certificate";
			return violation("the server rejected the " + presented + " of SSL bundle " + bundle + ": "
					+ ((alert != null) ? "TLS alert " + alert : firstLine(failure.getMessage())),
					"Give the bundle a client certificate (" + this.tls.bundleKey()
							+ ".keystore.certificate and .private-key) issued by the authority in the server's "
							+ "ssl_ca_file, unexpired, whose common name is the database user.");
		}
		return null;
	}

	private Violation violation(String rule, String fix) {
		return new Violation(this.bundleKey, this.tls.bundleName(), rule, fix);
	}

	private static boolean isExpired(@Nullable CertificateInfo seen) {
		return seen != null && seen.notAfter().isBefore(Instant.now());
	}

	private static boolean isAuthorization(SQLException failure) {
		return "28000".equals(failure.getSQLState());
	}

	private static @Nullable String clientAlert(String messages) {
		for (String alert : CLIENT_ALERTS) {
			if (messages.contains("fatal alert: " + alert)) {
				return alert;
			}
		}
		return null;
	}

	private static boolean has(Throwable failure, Class<? extends Throwable> type) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (type.isInstance(cause)) {
				return true;
			}
		}
		return false;
	}

	private static String messages(Throwable failure) {
		StringBuilder all = new StringBuilder();
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			all.append(cause.getMessage()).append('\n');
		}
		return all.toString();
	}

	private static String firstLine(@Nullable String message) {
		String text = String.valueOf(message);
		int end = text.indexOf('\n');
		return (end < 0) ? text : text.substring(0, end);
	}

}
