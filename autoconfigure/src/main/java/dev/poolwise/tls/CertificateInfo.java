package dev.poolwise.tls;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * What an operator needs to know about one certificate, and nothing secret: who it names, who issued it
 * and when it expires.
 *
 * @param subject the subject's distinguished name
 * @param issuer the issuer's distinguished name
 * @param serial the serial number in hexadecimal, as {@code pg_stat_ssl.client_serial} shows it in decimal
 * @param notAfter when it expires
 * @param names its subject alternative names, as {@code DNS:host} or {@code IP:address}
 */
public record CertificateInfo(String subject, String issuer, String serial, Instant notAfter, List<String> names) {

	private static final int DNS = 2;

	private static final int IP = 7;

	/**
	 * Reads a certificate.
	 * @param certificate the certificate
	 * @return what it says
	 */
	public static CertificateInfo of(X509Certificate certificate) {
		return new CertificateInfo(certificate.getSubjectX500Principal().getName(),
				certificate.getIssuerX500Principal().getName(), certificate.getSerialNumber().toString(16),
				certificate.getNotAfter().toInstant(), names(certificate));
	}

	/**
	 * Time left before it expires, negative once it has.
	 * @param now the time now
	 * @return the time left
	 */
	public Duration remaining(Instant now) {
		return Duration.between(now, this.notAfter);
	}

	/**
	 * The names a client may reach the server by: the subject alternative names, else the subject.
	 * @return e.g. {@code DNS:db.example.com, IP:10.0.0.5}
	 */
	public String describeNames() {
		return this.names.isEmpty() ? "no subject alternative name, subject " + this.subject
				: String.join(", ", this.names);
	}

	private static List<String> names(X509Certificate certificate) {
		List<String> names = new ArrayList<>();
		try {
			Collection<List<?>> alternatives = certificate.getSubjectAlternativeNames();
			if (alternatives == null) {
				return names;
			}
			for (List<?> name : alternatives) {
				Object type = name.get(0);
				if (type instanceof Integer kind && (kind == DNS || kind == IP)) {
					names.add(((kind == DNS) ? "DNS:" : "IP:") + name.get(1));
				}
			}
		}
		catch (CertificateParsingException ex) {
			names.add("(unreadable: " + ex.getMessage() + ")");
		}
		return List.copyOf(names);
	}

}
