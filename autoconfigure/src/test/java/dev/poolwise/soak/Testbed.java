package dev.poolwise.soak;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;

import com.zaxxer.hikari.HikariDataSource;

import dev.poolwise.test.FaultProxy;
import dev.poolwise.test.ReplicatedServers;
import dev.poolwise.test.RotatingCredentials;
import dev.poolwise.test.Sessions;

/**
 * What faults act on: the replicated servers, the proxies between the application and each server, the
 * application's running instance with its pool, and the credentials provider. It also keeps what the checks
 * need from the faults: every password handed out, and which server was the primary when.
 */
public final class Testbed {

	private final ReplicatedServers servers;

	private final Map<Integer, FaultProxy> proxies;

	private final Deployment deployment;

	private final RotatingCredentials credentials;

	private final SoakSettings settings;

	private final List<String> secrets = new CopyOnWriteArrayList<>();

	private final Primaries primaries;

	/**
	 * @param servers the primary and the standby
	 * @param proxies the proxy in front of each server, by the server's own port
	 * @param deployment the application
	 * @param credentials what hands the pools their password
	 * @param settings the soak's settings
	 * @param secrets passwords handed out so far
	 */
	Testbed(ReplicatedServers servers, Map<Integer, FaultProxy> proxies, Deployment deployment,
			RotatingCredentials credentials, SoakSettings settings, List<String> secrets) {
		this.servers = servers;
		this.proxies = proxies;
		this.deployment = deployment;
		this.credentials = credentials;
		this.settings = settings;
		this.secrets.addAll(secrets);
		this.primaries = new Primaries(servers.primaryPort());
	}

	public ReplicatedServers servers() {
		return this.servers;
	}

	public Collection<FaultProxy> proxies() {
		return this.proxies.values();
	}

	/**
	 * The proxy in front of the server that is the standby now, through which the replica pool reaches it;
	 * replication goes around it.
	 * @return the proxy
	 */
	public FaultProxy standbyProxy() {
		return this.proxies.get(this.servers.standbyPort());
	}

	/**
	 * The primary's pool of the instance that takes calls now.
	 * @return the pool
	 */
	public HikariDataSource pool() {
		return this.deployment.current().pool();
	}

	Deployment deployment() {
		return this.deployment;
	}

	public SoakSettings settings() {
		return this.settings;
	}

	/**
	 * The pool's sessions on the current primary.
	 * @return the view
	 */
	public Sessions sessions() {
		return new Sessions(this.servers::connectPrimary, FaultSoak.APPLICATION);
	}

	/**
	 * Threads of the load, each of which may hold one connection.
	 * @return writers and readers
	 */
	public int loadThreads() {
		return this.settings.writers() + this.settings.readers();
	}

	/**
	 * Sets a new password for the soak's role on the server, then hands it out to the pool.
	 * @param random the soak's randomness, which makes the password
	 * @return the new password
	 * @throws SQLException if the server refuses
	 */
	public String rotatePassword(Random random) throws SQLException {
		String password = newPassword(random);
		superuser("ALTER ROLE " + FaultSoak.ROLE + " PASSWORD '" + password + "'");
		this.credentials.rotate(password);
		return password;
	}

	/**
	 * A password no log line may show, remembered for that check.
	 * @param random the soak's randomness
	 * @return the password
	 */
	String newPassword(Random random) {
		String password = "soak-" + Long.toHexString(random.nextLong() | Long.MIN_VALUE);
		this.secrets.add(password);
		return password;
	}

	List<String> secrets() {
		return List.copyOf(this.secrets);
	}

	/**
	 * Runs a statement on the current primary as the superuser.
	 * @param sql the statement
	 * @throws SQLException if it fails
	 */
	public void superuser(String sql) throws SQLException {
		try (Connection connection = this.servers.connectPrimary();
				Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
	}

	/**
	 * Records that the old primary takes no more writes (it was stopped or fenced) and that from now on only
	 * the server on this port may, once promoted. Called between the two: a standby takes no writes before
	 * its promotion, so the promotion's exact moment does not matter.
	 * @param port the new primary's own port
	 */
	public void primaryMovesTo(int port) {
		this.primaries.movesTo(port);
	}

	Primaries primaries() {
		return this.primaries;
	}

	/**
	 * Waits, as a fault holds, without polling anything.
	 * @param random the soak's randomness
	 * @param min the shortest hold
	 * @param max the longest hold
	 * @return the hold chosen
	 */
	public static Duration hold(Random random, Duration min, Duration max) {
		Duration hold = min.plusMillis(random.nextInt((int) (max.toMillis() - min.toMillis()) + 1));
		long until = System.nanoTime() + hold.toNanos();
		for (long left = hold.toNanos(); left > 0; left = until - System.nanoTime()) {
			LockSupport.parkNanos(left);
		}
		return hold;
	}

}
