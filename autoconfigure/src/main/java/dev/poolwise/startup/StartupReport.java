package dev.poolwise.startup;

import java.time.Duration;

import com.zaxxer.hikari.HikariDataSource;
import org.jspecify.annotations.Nullable;

import dev.poolwise.login.LoginSwitches;
import dev.poolwise.pool.JdbcUrls;
import dev.poolwise.tls.TransportSecurity;
import dev.poolwise.tuning.PoolTuning;
import dev.poolwise.tuning.Tuned;
import dev.poolwise.validation.Durations;

/**
 * The one INFO line that says what the pool became and why, with the URL masked.
 */
final class StartupReport {

	private StartupReport() {
	}

	static String describe(String beanName, HikariDataSource dataSource, PoolTuning tuning) {
		StringBuilder line = new StringBuilder("Poolwise tuned pool '").append(beanName)
			.append("' for ")
			.append(JdbcUrls.mask(dataSource.getJdbcUrl()))
			.append(": ");
		append(line, "size", tuning.size());
		append(line, "overflow", tuning.overflow());
		line.append("max=").append(tuning.maxPoolSize()).append(", ");
		append(line, "timeout", tuning.timeout());
		append(line, "recycle", tuning.recycle());
		append(line, "idle-timeout", tuning.idleTimeout());
		append(line, "keepalive", tuning.keepalive());
		append(line, "leak-detection-threshold", tuning.leakDetectionThreshold());
		line.append("session=").append(tuning.session());
		return line.toString();
	}

	/**
	 * The one INFO line that says whether the pool's connections are encrypted, as the server reports it in
	 * {@code pg_stat_ssl}, what is verified about the server, naming the setting that decides it, and the
	 * login switches in effect.
	 */
	static String describeTls(String beanName, TransportSecurity security, ServerCheck.@Nullable Result checked,
			LoginSwitches login) {
		String transport;
		if (checked == null) {
			transport = "TLS not confirmed (the startup check did not reach the server, or PgBouncer stands between)";
		}
		else if (checked.tls() != null) {
			transport = "TLS (" + checked.tls() + ", per pg_stat_ssl)";
		}
		else {
			transport = "plain TCP, NOT encrypted (per pg_stat_ssl)";
		}
		return "Pool '" + beanName + "' connections: " + transport + ", " + security.describe() + "; login: "
				+ login.describe();
	}

	private static void append(StringBuilder line, String name, Tuned<?> tuned) {
		Object value = tuned.value();
		String text = (value instanceof Duration duration) ? Durations.format(duration) : String.valueOf(value);
		line.append(name).append('=').append(text).append(" (").append(tuned.source()).append("), ");
	}

}
