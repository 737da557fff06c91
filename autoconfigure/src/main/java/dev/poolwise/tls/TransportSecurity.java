package dev.poolwise.tls;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

import org.jspecify.annotations.Nullable;
import org.postgresql.Driver;
import org.postgresql.PGProperty;

import dev.poolwise.registry.PoolTarget;

/**
 * How well a pool's connections are protected as configured: verified in full, by chain only, or not at
 * all, and in words that name the setting responsible. pgjdbc's default {@code sslmode=prefer} encrypts
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
		NONE

	}

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
		boolean checksChain = factory == null || !factory.endsWith("NonValidatingFactory");
		Level level = !checksChain ? Level.NONE
				: mode.equals("verify-full") ? Level.FULL : mode.equals("verify-ca") ? Level.CHAIN : Level.NONE;
		String how = (sslmode != null) ? "sslmode=" + sslmode : ssl ? "ssl=true" : "sslmode=prefer, pgjdbc's default";
		return new TransportSecurity(level, how + ((factory != null) ? ", sslfactory=" + factory : ""), hosts);
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
