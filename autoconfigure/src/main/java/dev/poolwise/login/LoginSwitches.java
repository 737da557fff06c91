package dev.poolwise.login;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

import org.jspecify.annotations.Nullable;
import org.postgresql.Driver;

/**
 * The login switches of a pool's connections as pgjdbc reads them, from the URL and the driver properties:
 * which authentication methods the server may ask for ({@code requireAuth}), whether the SCRAM login is bound
 * to the TLS session ({@code channelBinding}) and how TLS is started ({@code sslNegotiation}). Read by name,
 * not through {@code PGProperty}, so that a driver too old to know them is still described, and warned about.
 *
 * @param requireAuth the methods allowed or refused, or null when any method is accepted
 * @param channelBinding {@code disable}, {@code prefer} or {@code require}
 * @param sslNegotiation {@code postgres} or {@code direct}
 */
public record LoginSwitches(@Nullable String requireAuth, String channelBinding, String sslNegotiation) {

	/** pgjdbc's names of the authentication methods {@code requireAuth} takes. */
	public static final List<String> METHODS = List.of("password", "md5", "gss", "sspi", "scram-sha-256", "none");

	/**
	 * The switches of a pool's connections.
	 * @param jdbcUrl the pool's URL, whose parameters win
	 * @param driverProperties the pool's driver properties
	 * @return the switches in effect
	 */
	public static LoginSwitches of(String jdbcUrl, Properties driverProperties) {
		Properties merged = Driver.parseURL(jdbcUrl, driverProperties);
		Properties effective = (merged != null) ? merged : driverProperties;
		return new LoginSwitches(effective.getProperty("requireAuth"),
				effective.getProperty("channelBinding", "prefer").toLowerCase(Locale.ROOT),
				effective.getProperty("sslNegotiation", "postgres").toLowerCase(Locale.ROOT));
	}

	/**
	 * Whether {@code requireAuth} names methods to refuse ({@code !password}) rather than to allow.
	 * @return true for a list of refusals
	 */
	public boolean refusesMethods() {
		return this.requireAuth != null && this.requireAuth.trim().startsWith("!");
	}

	/**
	 * Whether the server may ask for a SCRAM login.
	 * @return true unless {@code requireAuth} leaves SCRAM out
	 */
	public boolean allowsScram() {
		if (this.requireAuth == null) {
			return true;
		}
		List<String> methods = Arrays.stream(this.requireAuth.split(",")).map(String::trim).toList();
		return refusesMethods() ? !methods.contains("!scram-sha-256") : methods.contains("scram-sha-256");
	}

	/**
	 * Whether channel binding is required.
	 * @return true for {@code channelBinding=require}
	 */
	public boolean requiresChannelBinding() {
		return this.channelBinding.equals("require");
	}

	/**
	 * The switches in words, for the startup log.
	 * @return e.g. {@code requireAuth=!password, channelBinding=prefer, sslNegotiation=postgres}
	 */
	public String describe() {
		return "requireAuth=" + ((this.requireAuth != null) ? this.requireAuth : "(any method)") + ", channelBinding="
				+ this.channelBinding + ", sslNegotiation=" + this.sslNegotiation;
	}

}
