package dev.poolwise.tuning;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import dev.poolwise.net.TcpKeepaliveSocketFactory;
import dev.poolwise.pool.JdbcUrls;
import dev.poolwise.pool.PoolSettings;
import dev.poolwise.session.SessionSettings;
import dev.poolwise.tls.BundleSslSocketFactory;
import dev.poolwise.tls.PoolTls;
import dev.poolwise.validation.Violations;

/**
 * The pgjdbc properties a pool's configuration comes to, with where each came from. pgjdbc lets URL
 * parameters win over properties, so a {@code db.pool} value the URL also sets would be ignored without a
 * word: an explicit conflict is an error, and a default simply yields to the URL or to
 * {@code spring.datasource.hikari.data-source-properties}.
 */
final class DriverProperties {

	/** pgjdbc's TLS parameters, which an SSL bundle replaces. */
	private static final List<String> TLS_KEYS = List.of("ssl", "sslmode", "sslfactory", "sslfactoryarg",
			"sslrootcert", "sslcert", "sslkey", "sslpassword", "sslpasswordcallback", "sslhostnameverifier");

	private final KeyPrecedence keys;

	private final Violations violations;

	DriverProperties(KeyPrecedence keys, Violations violations) {
		this.keys = keys;
		this.violations = violations;
	}

	/**
	 * @param driver the configured driver settings
	 * @param defaultApplicationName {@code spring.application.name}, or null
	 * @param session the validated session settings, delivered as startup {@code options}
	 * @param jdbcUrl the pool's URL
	 * @param hikariProperties the pool's data-source properties as already bound
	 * @param tls the pool's TLS from an SSL bundle, or null
	 * @param pgbouncer the PgBouncer mode, which decides server-side prepared statements
	 * @return the properties to set, by pgjdbc name
	 */
	Map<String, Tuned<String>> resolve(PoolSettings.Driver driver, @Nullable String defaultApplicationName,
			SessionSettings session, String jdbcUrl, Properties hikariProperties, @Nullable PoolTls tls,
			PoolSettings.Pgbouncer pgbouncer) {
		Map<String, Tuned<String>> properties = new LinkedHashMap<>();
		properties.put("connectTimeout", seconds("connect-timeout", driver.connectTimeout(), 1));
		properties.put("loginTimeout", seconds("login-timeout", driver.loginTimeout(), 1));
		if (driver.socketTimeout() != null) {
			properties.put("socketTimeout", seconds("socket-timeout", driver.socketTimeout(), 0));
		}
		PoolSettings.TcpKeepalive keepalive = driver.tcpKeepalive();
		if (keepalive.enabled()) {
			String idle = seconds("tcp-keepalive.idle", keepalive.idle(), 1).value();
			String interval = seconds("tcp-keepalive.interval", keepalive.interval(), 1).value();
			if (keepalive.count() < 1) {
				this.violations.add(this.keys.name("tcp-keepalive.count"), keepalive.count(), "must be at least 1",
						"Set it to the unanswered probes after which a connection is dead, e.g. 6.");
			}
			String source = this.keys.own("tcp-keepalive.enabled");
			properties.put("tcpKeepAlive", new Tuned<>("true", source));
			properties.put("socketFactory", new Tuned<>(TcpKeepaliveSocketFactory.class.getName(), source));
			properties.put("socketFactoryArg", new Tuned<>(TcpKeepaliveSocketFactory.argument(Long.parseLong(idle),
					Long.parseLong(interval), keepalive.count()), this.keys.own("tcp-keepalive.idle")));
		}
		String applicationName = (driver.applicationName() != null) ? driver.applicationName()
				: defaultApplicationName;
		if (applicationName != null) {
			properties.put("ApplicationName", new Tuned<>(applicationName,
					(driver.applicationName() != null) ? this.keys.name("application-name")
							: "spring.application.name"));
		}
		properties.put("reWriteBatchedInserts", new Tuned<>(Boolean.toString(driver.rewriteBatchedInserts()),
				this.keys.own("rewrite-batched-inserts")));
		if (!session.isEmpty()) {
			properties.put("options", new Tuned<>(session.toStartupOptions(), this.keys.name("session")));
		}
		if (pgbouncer.enabled() && !Boolean.TRUE.equals(pgbouncer.preparedStatements())) {
			// Off until the startup probe finds a PgBouncer that routes them, unless the user decided.
			properties.put(PoolTuning.PREPARE_THRESHOLD, new Tuned<>("0", this.keys.own("pgbouncer.prepared-statements")));
		}
		yieldToUrl(properties, jdbcUrl, hikariProperties);
		if (tls != null) {
			tls(properties, tls, jdbcUrl, hikariProperties);
		}
		return properties;
	}

	/**
	 * With a bundle, TLS is Poolwise's alone: any TLS parameter in the URL or the driver properties would
	 * either win over the bundle (pgjdbc lets the URL win) or be ignored, so each is an error.
	 */
	private void tls(Map<String, Tuned<String>> properties, PoolTls tls, String jdbcUrl, Properties hikariProperties) {
		String source = this.keys.name("ssl.bundle");
		Set<String> urlKeys = JdbcUrls.parameterNames(jdbcUrl);
		for (String name : TLS_KEYS) {
			String fix = "Remove " + name + " and let " + source + " decide: the bundle holds the certificates and "
					+ this.keys.suggested("ssl.mode") + " the mode (verify-full unless set).";
			String rule = "it sets " + name + ", which conflicts with TLS from SSL bundle '" + tls.bundleName() + "' ("
					+ source + ")";
			if (urlKeys.contains(name)) {
				this.violations.add("spring.datasource.url", JdbcUrls.mask(jdbcUrl), rule, fix);
			}
			if (hikariProperties.containsKey(name)) {
				this.violations.add(KeyPrecedence.HIKARI + "data-source-properties." + name, "(set)", rule, fix);
			}
		}
		properties.put("sslmode", new Tuned<>(tls.mode().sslmode(), source));
		properties.put("sslfactory", new Tuned<>(BundleSslSocketFactory.class.getName(), source));
		properties.put("sslfactoryarg", new Tuned<>(tls.id(), source));
	}

	private Tuned<String> seconds(String key, Duration value, int minimum) {
		long millis = value.toMillis();
		if (millis % 1000 != 0 || millis < minimum * 1000L) {
			this.violations.add(this.keys.name(key), value,
					"pgjdbc takes whole seconds" + ((minimum > 0) ? " and 0 would wait forever" : ""),
					"Set it to a whole number of seconds" + ((minimum > 0) ? " of at least " + minimum + "s" : "")
							+ ", e.g. 10s.");
		}
		return new Tuned<>(Long.toString(millis / 1000), this.keys.own(key));
	}

	private void yieldToUrl(Map<String, Tuned<String>> properties, String jdbcUrl, Properties hikariProperties) {
		Set<String> urlKeys = JdbcUrls.parameterNames(jdbcUrl);
		for (Map.Entry<String, Tuned<String>> property : Map.copyOf(properties).entrySet()) {
			String name = property.getKey();
			Tuned<String> ours = property.getValue();
			boolean inUrl = urlKeys.contains(name);
			boolean inHikari = hikariProperties.containsKey(name);
			boolean explicit = !ours.source().equals(Tuned.DEFAULT);
			if (inUrl && explicit) {
				this.violations.add("spring.datasource.url", JdbcUrls.mask(jdbcUrl),
						"it sets " + name + ", which pgjdbc lets win over " + ours.source(),
						"Remove " + name + " from the URL and keep " + ours.source() + ", or remove "
								+ ours.source() + ".");
			}
			else if (inUrl) {
				properties.remove(name);
			}
			else if (inHikari && explicit) {
				this.keys.override(ours.source() + " overrides " + KeyPrecedence.HIKARI + "data-source-properties."
						+ name);
			}
			else if (inHikari) {
				properties.remove(name);
			}
		}
		if (!properties.containsKey("socketFactory")) {
			properties.remove("socketFactoryArg");
		}
	}

}
