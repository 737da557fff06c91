package dev.poolwise.soak;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import com.zaxxer.hikari.HikariCredentialsProvider;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import org.awaitility.core.ConditionTimeoutException;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.poolwise.autoconfigure.PoolwiseAutoConfiguration;
import dev.poolwise.autoconfigure.drain.PoolDrainAutoConfiguration;
import dev.poolwise.replica.Replica;
import dev.poolwise.replica.ReplicaSet;
import dev.poolwise.test.FaultProxy;
import dev.poolwise.test.Pools;
import dev.poolwise.test.ReplicatedServers;
import dev.poolwise.test.RotatingCredentials;
import dev.poolwise.test.Sessions;

import static org.awaitility.Awaitility.await;

/**
 * The fault soak: a ledger under a mixed load through a Poolwise-tuned pool in a real application context,
 * writes on a primary, read-only transactions routed to a synchronous standby that is also the read
 * replica, each server behind a {@link FaultProxy}, while a {@link Scheduler} injects faults drawn by the
 * seed; then the {@link Checks}. See {@code docs/fault-soak.md}.
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
	 * The replica pools' {@code application_name}.
	 */
	public static final String REPLICA_APPLICATION = "poolwise-soak-replica";

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
		Map<Integer, FaultProxy> proxies = new LinkedHashMap<>();
		try {
			proxies.put(servers.primaryPort(), FaultProxy.inFrontOf(nodeUrl(servers.primaryPort())));
			proxies.put(servers.standbyPort(), FaultProxy.inFrontOf(nodeUrl(servers.standbyPort())));
			String hosts = proxies.values().stream().map((proxy) -> "127.0.0.1:" + proxy.port())
				.collect(Collectors.joining(","));
			Run done;
			try (Deployment deployment = new Deployment(application(hosts, configured, credentials))) {
				Testbed testbed = new Testbed(servers, proxies, deployment, credentials, this.settings, secrets);
				done = soak(testbed, random, origin);
			}
			done.checks().add(sessionsLeftAfterClose(servers));
			List<String> used = done.testbed().secrets();
			String output = log.get();
			List<String> shown = used.stream().filter(output::contains).map((secret) -> "a password of the run")
				.toList();
			done.checks().add(Checks.check("no password in the log", shown.isEmpty(),
					used.size() + " passwords, " + output.length() + " characters of log", shown));
			SoakResult result = new SoakResult(this.settings, origin, done.loadStart(), done.loadEnd(),
					done.injections(), done.journal(), done.ledger(), done.checker(), done.checks(),
					done.replicaReads());
			System.out.println(SoakReport.markdown(result));
			return result;
		}
		finally {
			proxies.values().forEach(FaultProxy::close);
		}
	}

	/**
	 * The application: the primary's URL names both proxies with {@code targetServerType=primary}, the
	 * replicas' URL names both with {@code targetServerType=secondary}, so the primary pool follows the
	 * primary and the replica pools the standby through every failover.
	 */
	private ApplicationContextRunner application(String hosts, String configured, RotatingCredentials credentials) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, PoolwiseAutoConfiguration.class,
					PoolDrainAutoConfiguration.class))
			.withBean("vaultCredentials", HikariCredentialsProvider.class, () -> credentials)
			.withPropertyValues("spring.datasource.url=jdbc:postgresql://" + hosts + "/postgres?targetServerType=primary",
					"spring.datasource.username=" + ROLE, "spring.datasource.password=" + configured,
					"db.pool.size=" + SoakSettings.SIZE, "db.pool.overflow=0",
					"db.pool.timeout=" + SoakSettings.TIMEOUT.toMillis() + "ms", "db.pool.connect-timeout=1s",
					"db.pool.login-timeout=3s", "db.pool.socket-timeout=" + SoakSettings.SOCKET_TIMEOUT.toMillis() + "ms",
					"db.pool.application-name=" + APPLICATION, "db.pool.monitor.enabled=false",
					"db.pool.replicas.url=jdbc:postgresql://" + hosts + "/postgres?targetServerType=secondary",
					"db.pool.replicas.size=" + SoakSettings.REPLICA_SIZE,
					"db.pool.replicas.timeout=" + SoakSettings.REPLICA_TIMEOUT.toMillis() + "ms",
					"db.pool.replicas.max-lag=" + SoakSettings.MAX_LAG.toMillis() + "ms",
					"db.pool.replicas.application-name=" + REPLICA_APPLICATION,
					"spring.lifecycle.timeout-per-shutdown-phase=" + SoakSettings.DRAIN_TIMEOUT.toMillis() + "ms")
			.withPropertyValues(this.settings.properties().toArray(String[]::new));
	}

	private Run soak(Testbed testbed, Random random, long origin) throws Exception {
		Deployment deployment = testbed.deployment();
		Pools.awaitFull(testbed.pool(), testbed.sessions());
		List<Check> checks = new ArrayList<>();
		List<Injection> injections;
		long loadStart = System.nanoTime();
		Load load = Load.start(deployment, this.settings);
		try {
			await().atMost(SETTLE).until(() -> recovered(load, loadStart));
			injections = new Scheduler(this.settings, random, origin).run(testbed,
					System.nanoTime() + this.settings.duration().toNanos());
			long healed = System.nanoTime();
			checks.add(awaitCheck("load succeeds again after the last fault",
					SUCCESSES + " transfers and reads succeeded after the last fault was healed",
					() -> recovered(load, healed)));
			int standby = testbed.servers().standbyPort();
			checks.add(awaitCheck("the replica serves reads again after the last fault",
					SUCCESSES + " reads served by the standby :" + standby + " after the last fault was healed",
					() -> load.readsOn(standby, healed) >= SUCCESSES));
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
		return new Run(testbed, loadStart, loadEnd, injections, journal, ledger, checker, checks,
				deployment.replicaReads());
	}

	private static boolean recovered(Load load, long since) {
		return load.succeededAfter(true, since) >= SUCCESSES && load.succeededAfter(false, since) >= SUCCESSES;
	}

	/**
	 * The primary pool holds its size, all idle, and its sessions are on the primary only; the replica pools'
	 * sessions are on the standby. One exception is allowed and shown: a replica that a failover promoted
	 * keeps its pool's idle connections, now sessions on the primary, since Poolwise takes a promoted replica
	 * out of rotation without closing them.
	 */
	private static Check poolBackAtSize(Testbed testbed) {
		HikariPoolMXBean bean = testbed.pool().getHikariPoolMXBean();
		Sessions primary = testbed.sessions();
		Sessions standby = new Sessions(testbed.servers()::connectStandby, APPLICATION);
		Sessions replicaOnPrimary = new Sessions(testbed.servers()::connectPrimary, REPLICA_APPLICATION);
		Sessions replicaOnStandby = new Sessions(testbed.servers()::connectStandby, REPLICA_APPLICATION);
		ReplicaSet replicas = testbed.deployment().current().replicas();
		Supplier<Integer> promoted = () -> (replicas == null) ? 0 : (int) replicas.replicas().stream()
			.filter((replica) -> replica.state() == Replica.State.PROMOTED).count();
		Supplier<String> state = () -> "pool total " + bean.getTotalConnections() + ", idle "
				+ bean.getIdleConnections() + ", waiting " + bean.getThreadsAwaitingConnection() + "; sessions on the primary "
				+ primary.pids().size() + ", on the standby " + standby.pids().size() + "; replica-pool sessions on the "
				+ "standby " + replicaOnStandby.pids().size() + ", on the primary " + replicaOnPrimary.pids().size()
				+ " (" + promoted.get() + " promoted replica(s), whose pool keeps its idle connections)";
		return awaitCheck("pool back at its size with no leaked server session",
				() -> state.get() + "; size " + SoakSettings.SIZE + ", replica size " + SoakSettings.REPLICA_SIZE,
				() -> borrowEvery(testbed.pool()) && bean.getTotalConnections() == SoakSettings.SIZE && bean.getIdleConnections() == SoakSettings.SIZE
						&& primary.pids().size() == SoakSettings.SIZE && standby.pids().isEmpty()
						&& replicaOnStandby.pids().size() <= SoakSettings.REPLICA_SIZE
						&& replicaOnPrimary.pids().size() <= promoted.get() * SoakSettings.REPLICA_SIZE,
				state);
	}

	/**
	 * Runs a statement on every connection of the pool at once, as the next callers would: a connection whose
	 * session the server ended while it sat idle (the last fault's terminated backends) is found only when it
	 * is used, and replaced; until then Hikari counts it as idle. A failure throws, and the check tries again.
	 */
	private static boolean borrowEvery(HikariDataSource pool) throws SQLException {
		List<Connection> borrowed = new ArrayList<>();
		try {
			for (int i = 0; i < SoakSettings.SIZE; i++) {
				Connection connection = pool.getConnection();
				borrowed.add(connection);
				try (Statement statement = connection.createStatement()) {
					statement.execute("SELECT 1");
				}
			}
		}
		finally {
			for (Connection connection : borrowed) {
				connection.close();
			}
		}
		return true;
	}

	private static Check sessionsLeftAfterClose(ReplicatedServers servers) {
		List<Sessions> all = List.of(new Sessions(servers::connectPrimary, APPLICATION),
				new Sessions(servers::connectStandby, APPLICATION),
				new Sessions(servers::connectPrimary, REPLICA_APPLICATION),
				new Sessions(servers::connectStandby, REPLICA_APPLICATION));
		Supplier<String> state = () -> "sessions on the primary " + all.get(0).pids().size() + ", on the standby "
				+ all.get(1).pids().size() + "; replica-pool sessions on the primary " + all.get(2).pids().size()
				+ ", on the standby " + all.get(3).pids().size();
		return awaitCheck("no session left on either server once the context closed", state,
				() -> all.stream().allMatch((sessions) -> sessions.pids().isEmpty()), state);
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
			List<LedgerCall> journal, Ledger.State ledger, Checks checker, List<Check> checks,
			Deployment.ReplicaReads replicaReads) {

	}

}
