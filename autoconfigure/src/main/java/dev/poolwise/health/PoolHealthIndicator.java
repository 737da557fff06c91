package dev.poolwise.health;

import java.sql.SQLException;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.zaxxer.hikari.HikariDataSource;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

import dev.poolwise.budget.BudgetRule;
import dev.poolwise.login.LoginFailures;
import dev.poolwise.pool.PoolCredentials;
import dev.poolwise.pool.PoolSettings;
import dev.poolwise.pool.PoolStatistics;
import dev.poolwise.pool.Redaction;
import dev.poolwise.tls.PoolTls;
import dev.poolwise.tls.TlsReport;
import dev.poolwise.tuned.TunedPool;

/**
 * Health of one tuned pool that answers within {@code db.pool.health.timeout} whatever the pool or the
 * network does. Spring Boot's {@code db} indicator borrows a connection and so blocks for up to the
 * pool's connection timeout exactly when the pool is saturated; this one reads the pool's counters and
 * asks the server over a connection of its own (see {@link ServerProbe}).
 * <p>
 * DOWN when the server does not answer in time, lacks a required extension, or rejected the latest login
 * of the pool or of the probe (wrong password after a rotation, a dropped role), and when the pool cannot
 * open connections while callers wait for one (its latest attempt failed, with threads pending or no
 * connection left), with that failure as the error; the answer may come from a
 * probe at most {@code db.pool.health.max-age} + timeout old, so that a busy CPU does not add a round trip
 * to every call. A saturated pool
 * (critical utilization or threads waiting) is a warning with the {@code db.pool.health.saturated-status}
 * status, UP unless configured otherwise: restarting or unrouting an instance because it is busy
 * rarely helps.
 */
public class PoolHealthIndicator implements HealthIndicator, AutoCloseable {

	/** Detail: Hikari pool name. */
	public static final String POOL = "pool";

	/** Detail: connections lent out. */
	public static final String ACTIVE = "active";

	/** Detail: connections ready to lend. */
	public static final String IDLE = "idle";

	/** Detail: open connections. */
	public static final String TOTAL = "total";

	/** Detail: pool maximum (size + overflow). */
	public static final String MAX = "max";

	/** Detail: permanent connections (size). */
	public static final String MIN = "min";

	/** Detail: threads waiting for a connection. */
	public static final String PENDING = "pending";

	/** Detail: active / max, from 0 to 1. */
	public static final String UTILIZATION = "utilization";

	/** Detail: round trip of the probe query in milliseconds. */
	public static final String LATENCY = "latencyMs";

	/** Detail: {@code address:port} of the server the probe reached, as that server sees itself. */
	public static final String SERVER = "server";

	/** Detail: whether that server takes writes (not in recovery, not fenced read-only). */
	public static final String PRIMARY = "primary";

	/** Detail: the server's server_version. */
	public static final String SERVER_VERSION = "serverVersion";

	/** Detail: sentences about utilization, waiting threads and the connection budget. */
	public static final String WARNINGS = "warnings";

	/** Detail: SSL bundle, mode, protocol and the server and client certificates with their expiry. */
	public static final String TLS = "tls";

	/** Detail: required extensions the database lacks. */
	public static final String MISSING_EXTENSIONS = "missingExtensions";

	/**
	 * Detail: why the server probe failed, exception class and message, or which role's login the server
	 * rejected.
	 */
	public static final String ERROR = "error";

	private final TunedPool pool;

	private final ServerProbe probe;

	/**
	 * @param pool the pool to report on, with its {@code db.pool.health} settings
	 */
	public PoolHealthIndicator(TunedPool pool) {
		this.pool = pool;
		PoolSettings.Health health = pool.settings().health();
		PoolTls tls = pool.tls();
		this.probe = new ServerProbe(pool.dataSource(), health.timeout(), health.maxAge(),
				health.requiredExtensions(), (tls != null) ? tls::generation : () -> 0);
	}

	@Override
	public Health health() {
		PoolSettings.Health settings = this.pool.settings().health();
		HikariDataSource dataSource = this.pool.dataSource();
		PoolStatistics usage = this.pool.statistics();
		Status status = PoolWarnings.isSaturated(usage, settings.criticalUtilization())
				? new Status(settings.saturatedStatus()) : Status.UP;
		ServerProbe.Result result = null;
		String error = null;
		try {
			result = this.probe.run();
		}
		catch (SQLException ex) {
			error = describe(ex, dataSource);
		}
		int counted = (result != null) ? result.instances() : 0;
		BudgetRule.Verdict budget = this.pool.judgeBudget(counted,
				new BudgetRule.Sizes("size", "overflow", usage.min(), usage.max()));
		List<String> warnings = new ArrayList<>(PoolWarnings.of(usage,
				Duration.ofMillis(dataSource.getConnectionTimeout()), settings, budget));
		PoolTls tls = this.pool.tls();
		if (tls != null) {
			warnings.addAll(TlsDetails.warnings(tls, this.pool.settings().ssl().expiryWarning(), Instant.now()));
		}
		Health.Builder health = Health.status(status)
			.withDetail(POOL, dataSource.getPoolName())
			.withDetail(ACTIVE, usage.active())
			.withDetail(IDLE, usage.idle())
			.withDetail(TOTAL, usage.total())
			.withDetail(MAX, usage.max())
			.withDetail(MIN, usage.min())
			.withDetail(PENDING, usage.pending())
			.withDetail(UTILIZATION, Math.round(usage.utilization() * 1000) / 1000.0)
			.withDetail(WARNINGS, warnings);
		if (tls != null) {
			health.withDetail(TLS, TlsReport.of(tls, Instant.now()));
		}
		if (result != null) {
			health.withDetail(LATENCY, Math.round(result.latency().toNanos() / 10_000.0) / 100.0)
				.withDetail(SERVER, result.server().describe())
				.withDetail(PRIMARY, result.server().isPrimary());
			String version = result.serverVersion();
			if (version != null) {
				health.withDetail(SERVER_VERSION, version);
			}
			if (!result.missingExtensions().isEmpty()) {
				health.down().withDetail(MISSING_EXTENSIONS, result.missingExtensions());
			}
			error = this.pool.logins().latestRejection();
		}
		String cannotOpen = cannotOpen(usage, dataSource);
		if (cannotOpen != null) {
			error = cannotOpen;
		}
		if (error != null) {
			health.down().withDetail(ERROR, error);
		}
		return health.build();
	}

	/**
	 * A pool whose latest attempt to open a connection failed while callers wait, or with no connection
	 * left, fails every call until it opens one again, whatever the probe's own connection says: the
	 * probe's session may have been opened before the server, the network or the TLS material changed. A
	 * rejected login keeps its own sentence (the role, the fix), which the caller reports already.
	 */
	private @Nullable String cannotOpen(PoolStatistics usage, HikariDataSource dataSource) {
		LoginFailures.Failure failure = this.pool.logins().latestFailure();
		if (failure == null || (usage.pending() == 0 && usage.total() > 0)) {
			return null;
		}
		SQLException ex = failure.exception();
		if (LoginFailures.isRejectedLogin(ex) && !(ex.getCause() instanceof SQLException)) {
			return null;
		}
		return "the pool cannot open connections (total " + usage.total() + ", pending " + usage.pending()
				+ "); its latest attempt failed: " + Redaction.message(ex.getMessage(), dataSource);
	}

	/**
	 * A rejected login in words of its own, so an operator reads "rotate the password" rather than a driver
	 * message; any other failure as its class and redacted message.
	 */
	private static String describe(SQLException ex, HikariDataSource dataSource) {
		return LoginFailures.isRejectedLogin(ex)
				? LoginFailures.describe(ex, PoolCredentials.of(dataSource).getUsername())
				: Redaction.describe(ex, dataSource);
	}

	/**
	 * Closes the probe connection and its thread.
	 */
	@Override
	public void close() {
		this.probe.close();
	}

}
