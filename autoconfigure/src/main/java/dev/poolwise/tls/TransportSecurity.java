package dev.poolwise.tls;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.postgresql.Driver;
import org.postgresql.PGProperty;

import dev.poolwise.registry.PoolTarget;

/**
 * How well a pool's connections are protected as configured: verified in full, by chain only, or not at
 * all, and in words that name the setting responsible. Only what Poolwise knows is verified counts: a custom
 * {@code sslfactory} or {@code sslhostnameverifier} may accept any server, so it is not reported as verified. pgjdbc's default {@code sslmode=prefer} encrypts
 * when the server offers TLS but verifies nothing, which an attacker on the path defeats.
 *
 * @param level what is verified
 * @param how the setting that decides it, e.g. {@code SSL bundle 'db', db.pool.ssl.mode=verify-full}
 * @param hosts the hosts the pool connects to
 */
public record TransportSecurity(Level level, String how, List<String> hosts) {

	/**
	 * What the configuration verifies about the server.
	 */
	public enum Level {

		/** Certificate chain and host name. */
		FULL,

		/** Certificate chain only. */
		CHAIN,

		/** Nothing: plain or encryption-only connections. */
		NONE,

		/**
		 * Whatever a custom {@code sslfactory} does: its trust managers, not pgjdbc's, decide whether the
		 * chain is checked, so Poolwise cannot say it was.
		 */
		UNKNOWN

	}

	/**
	 * pgjdbc's factories that check the server's chain: {@code LibPQFactory} (the default) against
	 * {@code sslrootcert}, {@code DefaultJavaSSLFactory} against the JVM's trust store and
	 * {@code SingleCertValidatingFactory} against the one certificate it is given.
	 */
	private static final Set<String> CHECKING_FACTORIES = Set.of("org.postgresql.ssl.LibPQFactory",
			"org.postgresql.ssl.jdbc4.LibPQFactory", "org.postgresql.ssl.DefaultJavaSSLFactory",
			"org.postgresql.ssl.SingleCertValidatingFactory");

	/**
	 * Judges a pool's configuration.
	 * @param tls the pool's bundle TLS, or null when TLS comes from the URL or driver properties
	 * @param modeKey the mode's property name, for the words
	 * @param jdbcUrl the pool's URL
	 * @param driverProperties the pool's driver properties
	 * @return the judgement
	 */
	public static TransportSecurity of(@Nullable PoolTls tls, String modeKey, String jdbcUrl,
			Properties driverProperties) {
		Properties merged = Driver.parseURL(jdbcUrl, driverProperties);
		Properties effective = (merged != null) ? merged : driverProperties;
		List<String> hosts = hosts(effective);
		if (tls != null) {
			Level level = switch (tls.mode()) {
				case VERIFY_FULL -> Level.FULL;
				case VERIFY_CA -> Level.CHAIN;
				case REQUIRE -> Level.NONE;
			};
			return new TransportSecurity(level, "SSL bundle '" + tls.bundleName() + "', " + modeKey + "="
					+ tls.mode().sslmode(), hosts);
		}
		String sslmode = effective.getProperty("sslmode");
		boolean ssl = Boolean.parseBoolean(effective.getProperty("ssl"));
		String mode = (sslmode != null) ? sslmode.toLowerCase(Locale.ROOT) : (ssl ? "verify-full" : "prefer");
		String factory = effective.getProperty("sslfactory");
		String verifier = effective.getProperty("sslhostnameverifier");
		String how = ((sslmode != null) ? "sslmode=" + sslmode : ssl ? "ssl=true" : "sslmode=prefer, pgjdbc's default")
				+ ((factory != null) ? ", sslfactory=" + factory : "");
		boolean verifiesChain = mode.equals("verify-full") || mode.equals("verify-ca");
		if (factory != null && factory.endsWith("NonValidatingFactory")) {
			return new TransportSecurity(Level.NONE, how, hosts);
		}
		if (factory != null && !CHECKING_FACTORIES.contains(factory)) {
			return new TransportSecurity(Level.UNKNOWN, how + ", a custom factory that decides what is verified",
					hosts);
		}
		if (mode.equals("verify-full") && verifier != null) {
			return new TransportSecurity(Level.CHAIN, how + "; host name left to sslhostnameverifier=" + verifier
					+ ", which Poolwise cannot judge", hosts);
		}
		Level level = !verifiesChain ? Level.NONE : mode.equals("verify-full") ? Level.FULL : Level.CHAIN;
		return new TransportSecurity(level, how, hosts);
	}

	/**
	 * Whether every host is this machine, where nobody sits on the path.
	 * @return true for {@code localhost} and loopback addresses
	 */
	public boolean isLoopback() {
		return !this.hosts.isEmpty() && this.hosts.stream().allMatch(PoolTarget::isLoopback);
	}

	/**
	 * The verification in words.
	 * @return e.g. {@code server verified (certificate chain and host name)}
	 */
	public String describe() {
		return switch (this.level) {
			case FULL -> "server verified (certificate chain and host name; " + this.how + ")";
			case CHAIN -> "server verified by certificate chain only, not host name (" + this.how + ")";
			case NONE -> "server NOT verified (" + this.how + ")";
			case UNKNOWN -> "server verification unknown to Poolwise (" + this.how + ")";
		};
	}

	private static List<String> hosts(Properties effective) {
		List<String> hosts = new ArrayList<>();
		String value = PGProperty.PG_HOST.getOrDefault(effective);
		if (value != null) {
			for (String host : value.split(",")) {
				if (!host.isBlank()) {
					hosts.add(host.trim());
				}
			}
		}
		return hosts;
	}

}
