package dev.poolwise.soak;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import com.zaxxer.hikari.HikariCredentialsProvider;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import org.awaitility.core.ConditionTimeoutException;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.poolwise.autoconfigure.PoolwiseAutoConfiguration;
import dev.poolwise.autoconfigure.drain.PoolDrainAutoConfiguration;
import dev.poolwise.test.FaultProxy;
import dev.poolwise.test.Pools;
import dev.poolwise.test.ReplicatedServers;
import dev.poolwise.test.RotatingCredentials;
import dev.poolwise.test.Sessions;

import static org.awaitility.Awaitility.await;

/**
 * The fault soak: a ledger under a mixed load through a Poolwise-tuned pool in a real application context,
 * on a primary and a synchronous standby each behind a {@link FaultProxy}, while a {@link Scheduler}
 * injects faults drawn by the seed; then the {@link Checks}. See {@code docs/fault-soak.md}.
 */
public final class FaultSoak {

	/**
	 * The role the pool logs in as, with a password the server checks.
	 */
	public static final String ROLE = "soak";

	/**
	 * The pool's {@code application_name}, by which its sessions are found on the servers.
	 */
	public static final String APPLICATION = "poolwise-soak";

	/**
	 * How long the load has after the last fault to succeed again, and the pool to return to its size.
	 */
	private static final Duration SETTLE = Duration.ofSeconds(60);

	private static final int SUCCESSES = 20;

	private final SoakSettings settings;

	public FaultSoak(SoakSettings settings) {
		this.settings = settings;
	}

	/**
	 * Runs the soak and checks it; prints the schedule as it goes and the report at the end.
	 * @param servers a primary and a standby that require a password of {@link #ROLE}
	 * @param log everything the process logged so far, for the check that no secret is in it
	 * @return the result, whose failed checks are empty when the soak passed
	 * @throws Exception if a fault could not be injected, which says nothing about Poolwise
	 */
	public SoakResult run(ReplicatedServers servers, Supplier<String> log) throws Exception {
		Random random = new Random(this.settings.seed());
		long origin = System.nanoTime();
		System.out.printf("SOAK seed %d: %d s of faults drawn from %s; replay with -Dbench.soak.seed=%d%n",
				this.settings.seed(), this.settings.duration().toSeconds(),
				this.settings.faults().stream().map(Fault::name).toList(), this.settings.seed());
		List<String> secrets = new ArrayList<>();
		String configured = "soak-configured-" + Long.toHexString(random.nextLong());
		String first = "soak-" + Long.toHexString(random.nextLong());
		secrets.add(configured);
		secrets.add(first);
		prepare(servers, first);
		RotatingCredentials credentials = new RotatingCredentials(ROLE, first);
		List<FaultProxy> proxies = new ArrayList<>();
		try {
			proxies.add(FaultProxy.inFrontOf(nodeUrl(servers.primaryPort())));
			proxies.add(FaultProxy.inFrontOf(nodeUrl(servers.standbyPort())));
			String url = "jdbc:postgresql://127.0.0.1:" + proxies.get(0).port() + ",127.0.0.1:" + proxies.get(1).port()
					+ "/postgres?targetServerType=primary";
			AtomicReference<Run> run = new AtomicReference<>();
			contextRunner(url, configured, credentials).run((context) -> {
				if (context.getStartupFailure() != null) {
					throw new IllegalStateException("The soak's application did not start",
							context.getStartupFailure());
				}
				HikariDataSource pool = context.getBean(HikariDataSource.class);
				Testbed testbed = new Testbed(servers, proxies, pool, credentials, this.settings, secrets);
				run.set(soak(testbed, random, origin));
			});
			Run done = run.get();
			done.checks().add(sessionsLeftAfterClose(servers));
			List<String> used = done.testbed().secrets();
			String output = log.get();
			List<String> shown = used.stream().filter(output::contains).map((secret) -> "a password of the run")
				.toList();
			done.checks().add(Checks.check("no password in the log", shown.isEmpty(),
					used.size() + " passwords, " + output.length() + " characters of log", shown));
			SoakResult result = new SoakResult(this.settings, origin, done.loadStart(), done.loadEnd(),
					done.injections(), done.journal(), done.ledger(), done.checker(), done.checks());
			System.out.println(SoakReport.markdown(result));
			return result;
		}
		finally {
			proxies.forEach(FaultProxy::close);
		}
	}

	private ApplicationContextRunner contextRunner(String url, String configured, RotatingCredentials credentials) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, PoolwiseAutoConfiguration.class,
					PoolDrainAutoConfiguration.class))
			.withBean("vaultCredentials", HikariCredentialsProvider.class, () -> credentials)
			.withPropertyValues("spring.datasource.url=" + url, "spring.datasource.username=" + ROLE,
					"spring.datasource.password=" + configured, "db.pool.size=" + SoakSettings.SIZE,
					"db.pool.overflow=0", "db.pool.timeout=" + SoakSettings.TIMEOUT.toMillis() + "ms",
					"db.pool.connect-timeout=1s", "db.pool.login-timeout=3s",
					"db.pool.socket-timeout=" + SoakSettings.SOCKET_TIMEOUT.toMillis() + "ms",
					"db.pool.application-name=" + APPLICATION, "db.pool.monitor.enabled=false")
			.withPropertyValues(this.settings.properties().toArray(String[]::new));
	}

	private Run soak(Testbed testbed, Random random, long origin) throws Exception {
		HikariDataSource pool = testbed.pool();
		pool.getConnection().close();
		Pools.awaitFull(pool, testbed.sessions());
		List<Check> checks = new ArrayList<>();
		List<Injection> injections;
		long loadStart = System.nanoTime();
		Load load = Load.start(pool, this.settings);
		try {
			await().atMost(SETTLE).until(() -> recovered(load, loadStart));
			injections = new Scheduler(this.settings, random, origin).run(testbed,
					System.nanoTime() + this.settings.duration().toNanos());
			long healed = System.nanoTime();
			checks.add(awaitCheck("load succeeds again after the last fault",
					SUCCESSES + " transfers and reads succeeded after the last fault was healed",
					() -> recovered(load, healed)));
		}
		finally {
			load.close();
		}
		long loadEnd = System.nanoTime();
		checks.add(poolBackAtSize(testbed));
		Ledger.State ledger;
		try (Connection connection = testbed.servers().connectPrimary()) {
			ledger = Ledger.read(connection);
		}
		List<LedgerCall> journal = load.journal();
		Checks checker = new Checks(journal, injections, ledger, testbed.primaries(), testbed.loadThreads(),
				origin);
		checks.addAll(0, checker.ledgerChecks());
		checks.addAll(checker.failureChecks());
		return new Run(testbed, loadStart, loadEnd, injections, journal, ledger, checker, checks);
	}

	private static boolean recovered(Load load, long since) {
		return load.succeededAfter(true, since) >= SUCCESSES && load.succeededAfter(false, since) >= SUCCESSES;
	}

	private static Check poolBackAtSize(Testbed testbed) {
		HikariPoolMXBean bean = testbed.pool().getHikariPoolMXBean();
		Sessions primary = testbed.sessions();
		Sessions standby = new Sessions(testbed.servers()::connectStandby, APPLICATION);
		Supplier<String> state = () -> "pool total " + bean.getTotalConnections() + ", idle "
				+ bean.getIdleConnections() + ", waiting " + bean.getThreadsAwaitingConnection() + "; sessions on the primary "
				+ primary.pids().size() + ", on the standby " + standby.pids().size();
		return awaitCheck("pool back at its size with no leaked server session",
				() -> state.get() + " (size " + SoakSettings.SIZE + ")",
				() -> bean.getTotalConnections() == SoakSettings.SIZE && bean.getIdleConnections() == SoakSettings.SIZE
						&& primary.pids().size() == SoakSettings.SIZE && standby.pids().isEmpty(),
				state);
	}

	private static Check sessionsLeftAfterClose(ReplicatedServers servers) {
		Sessions primary = new Sessions(servers::connectPrimary, APPLICATION);
		Sessions standby = new Sessions(servers::connectStandby, APPLICATION);
		Supplier<String> state = () -> "sessions on the primary " + primary.pids().size() + ", on the standby "
				+ standby.pids().size();
		return awaitCheck("no session left on either server once the context closed", state,
				() -> primary.pids().isEmpty() && standby.pids().isEmpty(), state);
	}

	private static Check awaitCheck(String name, String held, Callable<Boolean> condition) {
		return awaitCheck(name, () -> held, condition, () -> "not within " + SETTLE.toSeconds() + " s");
	}

	private static Check awaitCheck(String name, Supplier<String> held, Callable<Boolean> condition,
			Supplier<String> failed) {
		try {
			await().atMost(SETTLE).ignoreExceptions().until(condition);
			return Checks.check(name, true, held.get());
		}
		catch (ConditionTimeoutException ex) {
			return Checks.check(name, false, "after " + SETTLE.toSeconds() + " s: " + failed.get());
		}
	}

	private static void prepare(ReplicatedServers servers, String password) throws SQLException {
		try (Connection connection = servers.connectPrimary(); Statement statement = connection.createStatement()) {
			statement.execute("DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + ROLE
					+ "') THEN CREATE ROLE " + ROLE + " LOGIN; END IF; END$$");
			statement.execute("ALTER ROLE " + ROLE + " PASSWORD '" + password + "'");
			Ledger.create(connection);
		}
	}

	private static String nodeUrl(int port) {
		return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
	}

	/**
	 * What the run inside the application context hands out of it.
	 */
	private record Run(Testbed testbed, long loadStart, long loadEnd, List<Injection> injections,
			List<LedgerCall> journal, Ledger.State ledger, Checks checker, List<Check> checks) {

	}

}
