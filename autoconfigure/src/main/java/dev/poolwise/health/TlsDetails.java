package dev.poolwise.health;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.poolwise.tls.CertificateInfo;
import dev.poolwise.tls.PoolTls;
import dev.poolwise.validation.Durations;

/**
 * Health's warnings about a pool's certificates: one when the server's (from the latest handshake) or the
 * bundle's client certificate expires within the threshold or has expired.
 */
final class TlsDetails {

	private TlsDetails() {
	}

	/**
	 * Sentences for certificates that expire within the threshold or have expired.
	 * @param tls the pool's TLS
	 * @param threshold {@code db.pool.ssl.expiry-warning}
	 * @param now the time now
	 * @return the warnings, empty when both are far from expiry
	 */
	static List<String> warnings(PoolTls tls, Duration threshold, Instant now) {
		List<String> warnings = new ArrayList<>();
		warn(warnings, "server", tls.serverCertificate(), threshold, now);
		warn(warnings, "client", tls.clientCertificate(), threshold, now);
		return warnings;
	}

	private static void warn(List<String> warnings, String role, @Nullable CertificateInfo certificate,
			Duration threshold, Instant now) {
		if (certificate == null) {
			return;
		}
		Duration left = certificate.remaining(now);
		if (left.isNegative()) {
			warnings.add("the " + role + " certificate (" + certificate.subject() + ") expired at "
					+ certificate.notAfter() + ": new connections will fail");
		}
		else if (left.compareTo(threshold) < 0) {
			warnings.add("the " + role + " certificate (" + certificate.subject() + ") expires in " + left.toDays()
					+ " day(s), at " + certificate.notAfter() + ", within db.pool.ssl.expiry-warning "
					+ Durations.format(threshold));
		}
	}

}
