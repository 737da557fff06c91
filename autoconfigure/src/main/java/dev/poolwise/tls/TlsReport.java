package dev.poolwise.tls;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A pool's TLS as health and the {@code dbpool} endpoint show it: names and dates only, never key material.
 *
 * @param bundle the SSL bundle's name
 * @param mode what is verified, as pgjdbc's sslmode
 * @param protocol the protocol of the latest handshake, or null before the first
 * @param serverCertificate the server's certificate in the latest handshake, or null before the first
 * @param clientCertificate the bundle's client certificate now, or null when it has none
 */
public record TlsReport(String bundle, String mode, @Nullable String protocol,
		@Nullable Certificate serverCertificate, @Nullable Certificate clientCertificate) {

	/**
	 * Reads a pool's TLS now.
	 * @param tls the pool's TLS
	 * @param now the time now
	 * @return the report
	 */
	public static TlsReport of(PoolTls tls, Instant now) {
		return new TlsReport(tls.bundleName(), tls.mode().sslmode(), tls.protocol(),
				Certificate.of(tls.serverCertificate(), now), Certificate.of(tls.clientCertificate(), now));
	}

	/**
	 * One certificate.
	 *
	 * @param subject the subject's distinguished name
	 * @param issuer the issuer's distinguished name
	 * @param expires when it expires, ISO-8601
	 * @param daysLeft whole days until then, negative once expired
	 */
	public record Certificate(String subject, String issuer, String expires, long daysLeft) {

		static @Nullable Certificate of(@Nullable CertificateInfo info, Instant now) {
			return (info != null) ? new Certificate(info.subject(), info.issuer(), info.notAfter().toString(),
					info.remaining(now).toDays()) : null;
		}

	}

}
