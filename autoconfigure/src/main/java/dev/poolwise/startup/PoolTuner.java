package dev.poolwise.startup;

import java.sql.SQLException;
import java.util.List;
import java.util.stream.Collectors;

import com.zaxxer.hikari.HikariDataSource;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.poolwise.budget.BudgetPolicy;
import dev.poolwise.budget.BudgetRule;
import dev.poolwise.failover.FailoverEviction;
import dev.poolwise.holders.HolderTracking;
import dev.poolwise.login.AuthFailures;
import dev.poolwise.login.LoginFailures;
import dev.poolwise.login.LoginRecordingDataSource;
import dev.poolwise.login.LoginSwitches;
import dev.poolwise.net.SideConnections;
import dev.poolwise.pool.ConnectionBirths;
import dev.poolwise.pool.HikariValues;
import dev.poolwise.pool.PoolCredentials;
import dev.poolwise.pool.PoolSettings;
import dev.poolwise.registry.JvmPoolRegistry;
import dev.poolwise.registry.LivePool;
import dev.poolwise.registry.PoolTarget;
import dev.poolwise.session.SessionState;
import dev.poolwise.tls.PoolTls;
import dev.poolwise.tls.TlsFailures;
import dev.poolwise.tls.TlsRotation;
import dev.poolwise.tls.TransportSecurity;
import dev.poolwise.tuned.TunedPool;
import dev.poolwise.tuning.PoolTuning;
import dev.poolwise.tuning.PoolTuningResolver;
import dev.poolwise.tuning.PropertyKeys;
import dev.poolwise.tuning.Tuned;
import dev.poolwise.validation.Violation;
import dev.poolwise.validation.Violations;

/**
 * Tunes one bound, unstarted Hikari pool: resolves its configuration, applies it, checks it against the
 * server, registers it JVM-wide and says in one line what it became. Every problem found fails startup at
 * once; nothing is repaired silently.
 */
public final class PoolTuner {

	private static final Log logger = LogFactory.getLog(PoolTuner.class);

	private final PoolSettings settings;

	private final PropertyKeys keys;

	private final @Nullable String defaultApplicationName;

	private final @Nullable PoolTls tls;

	private final String unreachable;

	/**
	 * @param settings the pool's settings
	 * @param keys which properties are set explicitly for this pool
	 * @param defaultApplicationName {@code spring.application.name}, or null
	 * @param tls the pool's TLS from its SSL bundle, or null when it has none
	 */
	public PoolTuner(PoolSettings settings, PropertyKeys keys, @Nullable String defaultApplicationName,
			@Nullable PoolTls tls) {
		this(settings, keys, defaultApplicationName, tls, "starting anyway (db.pool.lazy-start=true)");
	}

	/**
	 * @param settings the pool's settings
	 * @param keys which properties are set explicitly for this pool
	 * @param defaultApplicationName {@code spring.application.name}, or null
	 * @param tls the pool's TLS from its SSL bundle, or null when it has none
	 * @param unreachable what the warning says happens when lazy start finds the server unreachable
	 */
	public PoolTuner(PoolSettings settings, PropertyKeys keys, @Nullable String defaultApplicationName,
			@Nullable PoolTls tls, String unreachable) {
		this.settings = settings;
		this.keys = keys;
		this.defaultApplicationName = defaultApplicationName;
		this.tls = tls;
		this.unreachable = unreachable;
	}

	/**
	 * Tunes the pool.
	 * @param dataSource the pool, bound and not started
	 * @param beanName its bean name
	 * @param owner the application context that owns it, for messages
	 * @return the tuned pool
	 * @throws dev.poolwise.validation.PoolConfigurationException listing every problem
	 * @throws DatabaseUnavailableException if the server cannot be reached and lazy start is off
	 */
	public TunedPool tune(HikariDataSource dataSource, String beanName, String owner) {
		PoolTuning tuning = new PoolTuningResolver(this.settings, this.keys, this.defaultApplicationName)
			.resolve(HikariValues.of(dataSource), this.tls);
		apply(tuning, dataSource, beanName);
		ConnectionBirths births = new ConnectionBirths();
		TlsFailures failures = (this.tls != null)
				? new TlsFailures(this.tls, this.keys.suggested("ssl.bundle"), this.keys.suggested("ssl.mode")) : null;
		Violations violations = new Violations();
		TransportSecurity security = TransportSecurity.of(this.tls, this.keys.suggested("ssl.mode"),
				dataSource.getJdbcUrl(), dataSource.getDataSourceProperties());
		checkSecurity(security, beanName, violations);
		violations.throwIfAny();
		ServerCheck.Result checked = check(dataSource, tuning, violations, failures);
		boolean pgbouncer = this.settings.pgbouncer().enabled();
		BudgetRule budget = (checked != null && !pgbouncer)
				? budget(checked, dataSource, beanName, tuning, violations) : null;
		violations.throwIfAny();
		if (pgbouncer) {
			tuning = preparedStatements(tuning, dataSource, beanName, checked);
			checked = null;
		}
		// Hikari's connections come from what these wrap, built from the driver properties as they are now.
		String server = PoolTarget.of(dataSource.getJdbcUrl(), null).server();
		AuthFailures auth = tuning.auth();
		LoginFailures logins = LoginRecordingDataSource.install(dataSource, births, (ex) -> {
			SQLException explained = (failures != null) ? failures.explained(ex, server) : ex;
			return (explained != ex) ? explained : auth.explained(ex, server);
		});
		HolderTracking.install(dataSource);
		if (!pgbouncer) {
			SessionState.install(dataSource, tuning.session());
		}
		LivePool live = new LivePool(beanName, owner,
				PoolTarget.of(dataSource.getJdbcUrl(), PoolCredentials.of(dataSource).getUsername()), dataSource);
		List<LivePool> others = JvmPoolRegistry.get().register(live);
		if (!others.isEmpty()) {
			logger.warn("Pool " + live.describe() + " is a second pool to " + live.target() + " next to pool "
					+ others.stream().map(LivePool::describe).collect(Collectors.joining(", pool "))
					+ ". Each holds its own connections. Spring's cached test contexts against one database do this "
					+ "and need nothing done; otherwise share one DataSource. Said once per JVM for each database.");
		}
		tuning.overrides().forEach((override) -> logger.info("Pool '" + beanName + "': " + override));
		logger.info(StartupReport.describe(beanName, dataSource, tuning));
		logger.info(StartupReport.describeTls(beanName, security, checked,
				LoginSwitches.of(dataSource.getJdbcUrl(), dataSource.getDataSourceProperties())));
		TlsRotation rotation = (this.tls != null && failures != null) ? new TlsRotation(this.tls, dataSource, births,
				this.settings.ssl().rotationWindow(), logins, failures) : null;
		return new TunedPool(beanName, dataSource, tuning, budget, this.settings, logins, this.tls, rotation);
	}

	/**
	 * A pool to another machine that does not verify its server is one warning with the fix, or with
	 * require-verified an error; on this machine nobody sits on the path.
	 */
	private void checkSecurity(TransportSecurity security, String beanName, Violations violations) {
		if (security.level() == TransportSecurity.Level.FULL || security.isLoopback()) {
			return;
		}
		String bundleKey = this.keys.suggested("ssl.bundle");
		String rule = "pool '" + beanName + "' connects to " + String.join(",", security.hosts())
				+ " with its " + security.describe() + ", so anyone on the network path "
				+ ((security.level() == TransportSecurity.Level.UNKNOWN) ? "may be able to" : "can")
				+ " read or change its traffic";
		String fix = "Set " + bundleKey + " to a Spring Boot SSL bundle holding the server's CA certificate "
				+ "(spring.ssl.bundle.pem.<name>.truststore.certificate) for verify-full";
		if (this.settings.ssl().requireVerified()) {
			violations.add(bundleKey, (this.tls != null) ? this.tls.bundleName() : "(not set)", rule,
					fix + ", or set " + this.keys.suggested("ssl.require-verified") + "=false.");
		}
		else {
			logger.warn("Poolwise: " + rule + ". " + fix + "; " + this.keys.suggested("ssl.require-verified")
					+ "=true makes this fail startup.");
		}
	}

	/**
	 * Runs the server check, or with lazy start lets the application come up without the server: the pool
	 * then starts on first use and keeps retrying in the background instead of failing that first call.
	 * Behind PgBouncer the server's max_connections does not bound the pool, so there is no budget.
	 */
	private ServerCheck.@Nullable Result check(HikariDataSource dataSource, PoolTuning tuning,
			Violations violations, @Nullable TlsFailures failures) {
		boolean probe = tuning.preparedStatementsProbed();
		if (this.settings.pgbouncer().enabled() || !this.settings.lazyStart()) {
			return ServerCheck.run(dataSource, tuning.session(), violations, failures, tuning.auth(), probe);
		}
		dataSource.setInitializationFailTimeout(-1);
		try {
			return ServerCheck.run(dataSource, tuning.session(), violations, failures, tuning.auth(), probe);
		}
		catch (DatabaseUnavailableException ex) {
			logger.warn(ex.getMessage() + "; " + this.unreachable + ". Session settings and the "
					+ "connection budget were not checked.");
			return null;
		}
	}

	/**
	 * Behind PgBouncer, server-side prepared statements stay off unless the user keeps them or the startup
	 * probe found a PgBouncer that routes them; the pool has not started, so its driver properties can still
	 * change. Said in one line either way, with how it was decided.
	 */
	private PoolTuning preparedStatements(PoolTuning tuning, HikariDataSource dataSource, String beanName,
			ServerCheck.@Nullable Result checked) {
		String key = this.keys.suggested("pgbouncer.prepared-statements");
		PreparedStatementProbe.Outcome probed = (checked != null) ? checked.pgbouncer() : null;
		String decision;
		PoolTuning decided = tuning;
		if (probed != null && probed.routed()) {
			dataSource.getDataSourceProperties().remove(PoolTuning.PREPARE_THRESHOLD);
			decided = tuning.withoutDriverProperty(PoolTuning.PREPARE_THRESHOLD);
			decision = "kept: " + probed.evidence() + " (" + key + "=false turns them off)";
		}
		else if (probed != null) {
			decision = "off (prepareThreshold=0): " + probed.evidence() + " (" + key + "=true keeps them anyway)";
		}
		else {
			Tuned<String> threshold = tuning.driverProperties().get(PoolTuning.PREPARE_THRESHOLD);
			decision = (threshold != null) ? "off (prepareThreshold=0), as " + threshold.source() + " says"
					: "as " + key + " or the URL and data-source properties set them";
		}
		logger.info("Pool '" + beanName + "' behind PgBouncer: server-side prepared statements " + decision);
		return decided;
	}

	/**
	 * The pool's budget from what the check read, and the pool's numbers judged against it: refused, they
	 * fail startup with every other problem; over the budget but not enforced, they are a warning.
	 */
	private BudgetRule budget(ServerCheck.Result checked, HikariDataSource dataSource, String beanName,
			PoolTuning tuning, Violations violations) {
		List<LivePool> others = JvmPoolRegistry.get().othersOnServerOf(dataSource);
		BudgetRule budget = BudgetRule.measured(beanName, SideConnections.applicationName(dataSource),
				checked.budget(), checked.fleet(), others,
				new BudgetPolicy(this.settings.instances(), this.settings.budgetEnforced(),
						this.keys.suggested("instances"), this.keys.suggested("budget.enforce")));
		if (checked.unseen() != null) {
			logger.info("Pool '" + beanName + "' connection budget: " + checked.unseen() + ".");
		}
		BudgetRule.Verdict verdict = budget.judge(others, checked.fleet().counted(),
				new BudgetRule.Sizes(key(tuning.size(), "size"), key(tuning.overflow(), "overflow"),
						tuning.size().value(), tuning.maxPoolSize()));
		Violation refusal = verdict.refusal();
		Violation exceeded = verdict.exceeded();
		if (refusal != null) {
			violations.add(refusal);
		}
		else if (exceeded != null) {
			logger.warn("Poolwise " + exceeded.rule() + ". " + exceeded.fix() + " (" + verdict.enforceKey()
					+ "=true fails startup instead)");
		}
		return budget;
	}

	/**
	 * The property that set a number of this pool, so the message points at the key to change, or the key
	 * to add when the number was a default or derived from worker-count.
	 */
	private String key(Tuned<Integer> tuned, String key) {
		String source = tuned.source();
		return (source.equals(Tuned.DEFAULT) || source.equals(Tuned.WORKER_COUNT)) ? this.keys.suggested(key)
				: source;
	}

	private static void apply(PoolTuning tuning, HikariDataSource dataSource, String beanName) {
		if (dataSource.getPoolName() == null) {
			dataSource.setPoolName(beanName);
		}
		dataSource.setMinimumIdle(tuning.size().value());
		dataSource.setMaximumPoolSize(tuning.maxPoolSize());
		long timeout = tuning.timeout().value().toMillis();
		dataSource.setConnectionTimeout(timeout);
		dataSource.setValidationTimeout(Math.min(dataSource.getValidationTimeout(), timeout));
		dataSource.setMaxLifetime(tuning.recycle().value().toMillis());
		dataSource.setIdleTimeout(tuning.idleTimeout().value().toMillis());
		dataSource.setKeepaliveTime(tuning.keepalive().value().toMillis());
		dataSource.setLeakDetectionThreshold(tuning.leakDetectionThreshold().value().toMillis());
		tuning.driverProperties().forEach((name, value) -> dataSource.addDataSourceProperty(name, value.value()));
		FailoverEviction.install(dataSource);
	}

}
