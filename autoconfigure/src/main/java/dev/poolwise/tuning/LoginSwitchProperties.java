package dev.poolwise.tuning;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.postgresql.Driver;

import dev.poolwise.login.AuthFailures;
import dev.poolwise.login.LoginSwitches;
import dev.poolwise.pool.JdbcUrls;
import dev.poolwise.pool.PoolSettings;
import dev.poolwise.validation.Violations;

/**
 * pgjdbc's login switches from {@code db.pool.auth.*} and {@code db.pool.ssl.negotiation}: {@code requireAuth},
 * {@code channelBinding} and {@code sslNegotiation}. Unless the configuration requires TLS or the user allows
 * it, a server that asks for the password in cleartext does not get it ({@code requireAuth=!password}). A
 * switch the user set as a raw driver property (a URL parameter or
 * {@code spring.datasource.hikari.data-source-properties}) wins over a Poolwise default; set both ways
 * explicitly it is an error naming both, since Poolwise does not pick between two security settings.
 */
final class LoginSwitchProperties {

	private static final List<String> CHANNEL_BINDING = List.of("disable", "prefer", "require");

	private static final List<String> NEGOTIATION = List.of("postgres", "direct");

	private static final Set<String> TLS_MODES = Set.of("require", "verify-ca", "verify-full");

	private final KeyPrecedence keys;

	private final Violations violations;

	LoginSwitchProperties(KeyPrecedence keys, Violations violations) {
		this.keys = keys;
		this.violations = violations;
	}

	/**
	 * Adds the switches to the pool's driver properties.
	 * @param properties the driver properties to set, by pgjdbc name
	 * @param auth the configured login switches
	 * @param negotiation the configured {@code ssl.negotiation}
	 * @param jdbcUrl the pool's URL
	 * @param hikariProperties the pool's data-source properties as already bound
	 * @param bundle whether TLS comes from an SSL bundle, which always requires it
	 * @return what explains a login the switches refused
	 */
	AuthFailures resolve(Map<String, Tuned<String>> properties, PoolSettings.Auth auth, String negotiation,
			String jdbcUrl, Properties hikariProperties, boolean bundle) {
		boolean tls = requiresTls(bundle, jdbcUrl, hikariProperties);
		String channelBinding = oneOf("auth.channel-binding", auth.channelBinding(), CHANNEL_BINDING, "prefer");
		String sslNegotiation = oneOf("ssl.negotiation", negotiation, NEGOTIATION, "postgres");
		if (!tls) {
			needsTls("auth.channel-binding", "require", channelBinding, "prefer",
					"channel binding ties the login to the TLS session, and pgjdbc refuses the login without one");
			needsTls("ssl.negotiation", "direct", sslNegotiation, "postgres",
					"direct negotiation opens with a TLS handshake, which a plain connection never makes");
		}
		String requireKey = "auth.require";
		String cleartextKey = "auth.allow-cleartext-password";
		String require = auth.require();
		if (require != null) {
			checkRequire(requireKey, require);
			if (auth.allowCleartextPassword() && this.keys.explicit(cleartextKey) != null) {
				this.violations.add(this.keys.name(cleartextKey), true, "it is set together with "
						+ this.keys.name(requireKey) + ", which decides alone which methods are allowed",
						"Remove " + this.keys.name(cleartextKey) + ", and list password in " + this.keys.name(requireKey)
								+ " if a cleartext password is meant to be sent.");
			}
		}
		String defaultRefusal = (require == null && !auth.allowCleartextPassword() && !tls)
				? AuthFailures.NO_CLEARTEXT : null;
		String requireAuth = (require != null) ? require : defaultRefusal;
		String requireSource = (require != null) ? this.keys.name(requireKey)
				: this.keys.own(cleartextKey);
		String explicitRequire = this.keys.explicit(requireKey);
		String userRequireAuth = put(properties, "requireAuth", requireAuth, requireSource,
				(explicitRequire != null) ? explicitRequire : this.keys.explicit(cleartextKey),
				(require != null) ? require : auth.allowCleartextPassword(), jdbcUrl, hikariProperties);
		String userChannelBinding = put(properties, "channelBinding", channelBinding,
				this.keys.own("auth.channel-binding"), this.keys.explicit("auth.channel-binding"), channelBinding,
				jdbcUrl, hikariProperties);
		put(properties, "sslNegotiation", sslNegotiation, this.keys.own("ssl.negotiation"),
				this.keys.explicit("ssl.negotiation"), sslNegotiation, jdbcUrl, hikariProperties);
		LoginSwitches effective = LoginSwitches.of(jdbcUrl, merged(properties, hikariProperties));
		boolean ours = userRequireAuth == null && defaultRefusal != null;
		return new AuthFailures(effective.requireAuth(),
				(userRequireAuth != null) ? userRequireAuth : this.keys.name(requireKey),
				ours ? this.keys.suggested(cleartextKey) : null,
				(userChannelBinding != null) ? userChannelBinding : this.keys.name("auth.channel-binding"));
	}

	/**
	 * Sets one switch, unless the user set the driver property: then theirs wins over a default, and an
	 * explicit key beside it is an error naming both.
	 * @param shown the explicit key's value, for the error
	 * @return the driver property the user set, as messages name it, or null when Poolwise's value goes out
	 */
	private @Nullable String put(Map<String, Tuned<String>> properties, String name, @Nullable String value,
			String source, @Nullable String explicit, Object shown, String jdbcUrl, Properties hikariProperties) {
		boolean inUrl = JdbcUrls.parameterNames(jdbcUrl).contains(name);
		String hikariKey = KeyPrecedence.HIKARI + "data-source-properties." + name;
		String where = inUrl ? "spring.datasource.url" : hikariProperties.containsKey(name) ? hikariKey : null;
		if (where != null && explicit != null) {
			this.violations.add(explicit, shown, where + " sets " + name
					+ " too, and Poolwise does not choose between two security settings",
					"Keep one: remove " + name + " from " + where + ", or remove " + explicit + ".");
		}
		if (where == null && value != null) {
			properties.put(name, new Tuned<>(value, source));
		}
		return (where == null) ? null : inUrl ? "spring.datasource.url parameter " + name : hikariKey;
	}

	private String oneOf(String key, String configured, List<String> allowed, String fallback) {
		String value = configured.trim().toLowerCase(Locale.ROOT);
		if (!allowed.contains(value)) {
			this.violations.add(this.keys.name(key), configured, "must be one of " + String.join(", ", allowed),
					"Set it to one of " + String.join(", ", allowed) + ", or remove it for the default " + fallback
							+ ".");
		}
		return value;
	}

	private void needsTls(String key, String value, String configured, String fallback, String why) {
		if (configured.equals(value)) {
			this.violations.add(this.keys.name(key), value, "it needs TLS required, and the connections may be "
					+ "plain (no SSL bundle, and no sslmode of require, verify-ca or verify-full): " + why,
					"Set " + this.keys.suggested("ssl.bundle") + " or sslmode=verify-full in spring.datasource.url, "
							+ "or set " + this.keys.name(key) + "=" + fallback + ".");
		}
	}

	/**
	 * pgjdbc's syntax, checked here so that a mistake fails startup naming the key instead of every
	 * connection: methods to allow or to refuse (not both), each known and named once, not all refused.
	 */
	private void checkRequire(String key, String require) {
		List<String> problems = new ArrayList<>();
		String[] entries = require.split(",", -1);
		boolean refusing = entries[0].trim().startsWith("!");
		Set<String> seen = new HashSet<>();
		for (String entry : entries) {
			String method = entry.trim();
			if (method.startsWith("!") != refusing) {
				problems.add("it mixes methods to allow with methods to refuse (!)");
				break;
			}
			String name = refusing ? method.substring(1) : method;
			if (!LoginSwitches.METHODS.contains(name)) {
				problems.add("'" + method + "' is not a method");
			}
			else if (!seen.add(name)) {
				problems.add(name + " is named twice");
			}
		}
		if (problems.isEmpty() && refusing && seen.size() == LoginSwitches.METHODS.size()) {
			problems.add("it refuses every method, so no login can succeed");
		}
		if (!problems.isEmpty()) {
			this.violations.add(this.keys.name(key), require, String.join("; ", problems),
					"List the methods to allow (scram-sha-256) or those to refuse (!password,!md5), from "
							+ String.join(", ", LoginSwitches.METHODS) + ".");
		}
	}

	/**
	 * Whether the configuration requires TLS: a bundle, or pgjdbc's {@code sslmode} of require or stronger
	 * ({@code ssl=true} alone means verify-full to pgjdbc).
	 */
	private static boolean requiresTls(boolean bundle, String jdbcUrl, Properties hikariProperties) {
		if (bundle) {
			return true;
		}
		Properties merged = Driver.parseURL(jdbcUrl, hikariProperties);
		Properties effective = (merged != null) ? merged : hikariProperties;
		String sslmode = effective.getProperty("sslmode");
		if (sslmode != null) {
			return TLS_MODES.contains(sslmode.toLowerCase(Locale.ROOT));
		}
		String ssl = effective.getProperty("ssl");
		return ssl != null && (ssl.isEmpty() || Boolean.parseBoolean(ssl));
	}

	private static Properties merged(Map<String, Tuned<String>> properties, Properties hikariProperties) {
		Properties merged = new Properties();
		merged.putAll(hikariProperties);
		properties.forEach((name, tuned) -> merged.setProperty(name, tuned.value()));
		return merged;
	}

}
