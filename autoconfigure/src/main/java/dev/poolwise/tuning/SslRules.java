package dev.poolwise.tuning;

import java.time.Duration;

import dev.poolwise.pool.PoolSettings;
import dev.poolwise.validation.Durations;
import dev.poolwise.validation.Violations;

/**
 * Rules on the TLS times, checked with the pool so that a value that would turn a certificate rotation into
 * a reconnect storm, or silence the expiry warning, fails startup instead.
 */
final class SslRules {

	private SslRules() {
	}

	static void check(PoolSettings.Ssl ssl, KeyPrecedence keys, Violations violations) {
		Duration window = ssl.rotationWindow();
		if (window.isNegative() || window.isZero()) {
			violations.add(keys.name("ssl.rotation-window"), shown(window),
					"must be longer than 0: the open connections are replaced one at a time over this window, and "
							+ "0 would close them all at once after a reload, every borrower waiting for a new "
							+ "handshake and login together",
					"Remove it for the default 1m, or set the time over which to spread the replacements, e.g. 30s.");
		}
		Duration warning = ssl.expiryWarning();
		if (warning.isNegative()) {
			violations.add(keys.name("ssl.expiry-warning"), shown(warning),
					"must not be negative: health would warn only after a certificate expired",
					"Remove it for the default 14d, or set how long before expiry health warns, e.g. 30d.");
		}
	}

	private static String shown(Duration duration) {
		return duration.isZero() ? "0" : Durations.format(duration);
	}

}
