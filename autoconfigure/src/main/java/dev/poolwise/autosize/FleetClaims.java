package dev.poolwise.autosize;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.zaxxer.hikari.HikariDataSource;
import org.jspecify.annotations.Nullable;

import dev.poolwise.budget.BudgetRule;
import dev.poolwise.budget.BudgetRule.Claim;
import dev.poolwise.budget.ConnectionBudget;
import dev.poolwise.net.SideConnections;

/**
 * Where the autosized pools of one application agree on the server's connection budget, through
 * PostgreSQL alone. Each pool keeps one side connection named {@code <application name> (dbPool autosize)}
 * and starts every statement on it with its claim, {@code /* poolwise autosize <id> floor=5 claim=31
 * want=35 *}{@code /}, which {@code pg_stat_activity.query} shows to the others for as long as the session
 * lives: a pool that dies takes its claim with it. Raising a claim happens under a session advisory lock
 * shared by the application, and the statement that publishes the new claim is the one that releases the
 * lock, so the next pool to take the lock always sees it: two pools never both take the last headroom.
 */
final class FleetClaims implements AutoCloseable {

	private static final Duration QUERY_TIMEOUT = Duration.ofSeconds(2);

	/** First key of the two-key advisory lock, "Pool" in ASCII; the second is the application's name hashed. */
	private static final int LOCK_CLASS = 0x506f6f6c;

	private static final Pattern CLAIM = Pattern.compile("(\\S+) floor=(\\d+) claim=(\\d+) want=(\\d+)");

	private static final String LOCK = "SELECT pg_try_advisory_lock(?, hashtext(?))";

	private static final String UNLOCK = "SELECT pg_advisory_unlock(?, hashtext(?))";

	private static final String READ = """
			SELECT %s
			         - (count(*) FILTER (WHERE %s
			                               AND application_name IS DISTINCT FROM ?))::int,
			       (count(*) FILTER (WHERE application_name = ?))::int,
			       string_agg(substring(query FROM '^/\\* poolwise autosize (\\S+ floor=\\d+ claim=\\d+ want=\\d+) \\*/'),
			                  ',') FILTER (WHERE application_name = ? AND pid <> pg_backend_pid())
			FROM pg_stat_activity
			""".formatted(ConnectionBudget.USABLE_SLOTS_SQL, ConnectionBudget.CLIENT_BACKEND_SQL);

	private final HikariDataSource pool;

	private final String id;

	private final String applicationName;

	private final int configuredInstances;

	private @Nullable Connection connection;

	/** Once withdrawn, a tick still running opens no new side connection to publish a claim again. */
	private boolean closed;

	private Claim claim;

	/**
	 * @param pool the pool
	 * @param id the pool's name among all claimants: JVM instance id and pool name
	 * @param configuredInstances db.pool.instances
	 * @param claim the claim to publish first
	 */
	FleetClaims(HikariDataSource pool, String id, int configuredInstances, Claim claim) {
		this.pool = pool;
		this.id = id;
		this.applicationName = SideConnections.applicationName(pool);
		this.configuredInstances = configuredInstances;
		this.claim = claim;
	}

	/**
	 * Takes the application's lock if no other pool holds it; only then may a claim rise.
	 * @return whether this pool now holds the lock
	 * @throws SQLException if the server cannot be reached
	 */
	boolean tryLock() throws SQLException {
		try (PreparedStatement statement = connection().prepareStatement(marker() + LOCK)) {
			statement.setInt(1, LOCK_CLASS);
			statement.setString(2, this.applicationName);
			try (ResultSet row = statement.executeQuery()) {
				return row.next() && row.getBoolean(1);
			}
		}
	}

	/**
	 * Reads the budget and the others' claims, and works out this pool's share.
	 * @param ownOpen connections this pool holds
	 * @return the share
	 * @throws SQLException if the server cannot be reached
	 */
	BudgetRule.FleetShare share(int ownOpen) throws SQLException {
		try (PreparedStatement statement = connection().prepareStatement(marker() + READ)) {
			statement.setString(1, this.applicationName);
			statement.setString(2, this.applicationName);
			statement.setString(3, SideConnections.name(this.pool, SideConnections.AUTOSIZE));
			try (ResultSet row = statement.executeQuery()) {
				row.next();
				return BudgetRule.fleetShare(row.getInt(1), this.configuredInstances, this.claim,
						others(row.getString(3)), row.getInt(2), ownOpen);
			}
		}
	}

	/**
	 * Publishes a claim, releasing the lock in the same statement when it is held.
	 * @param claim the new claim
	 * @param locked whether this pool holds the lock
	 * @throws SQLException if the server cannot be reached
	 */
	void publish(Claim claim, boolean locked) throws SQLException {
		this.claim = claim;
		try (PreparedStatement statement = connection().prepareStatement(marker() + (locked ? UNLOCK : "SELECT 1"))) {
			if (locked) {
				statement.setInt(1, LOCK_CLASS);
				statement.setString(2, this.applicationName);
			}
			statement.execute();
		}
	}

	private List<Claim> others(@Nullable String claims) {
		List<Claim> others = new ArrayList<>();
		if (claims == null) {
			return others;
		}
		Matcher matcher = CLAIM.matcher(claims);
		while (matcher.find()) {
			if (!matcher.group(1).equals(this.id)) {
				others.add(new Claim(Integer.parseInt(matcher.group(2)), Integer.parseInt(matcher.group(3)),
						Integer.parseInt(matcher.group(4))));
			}
		}
		return others;
	}

	private String marker() {
		return "/* poolwise autosize " + this.id + " floor=" + this.claim.floor() + " claim=" + this.claim.claim()
				+ " want=" + this.claim.want() + " */ ";
	}

	private synchronized Connection connection() throws SQLException {
		if (this.closed) {
			throw new SQLException("the fleet claim of pool '" + this.pool.getPoolName() + "' was withdrawn");
		}
		Connection current = this.connection;
		if (current == null || current.isClosed()) {
			current = SideConnections.open(this.pool, SideConnections.AUTOSIZE, QUERY_TIMEOUT);
			this.connection = current;
		}
		return current;
	}

	/**
	 * Closes the connection, which withdraws the claim and releases the lock if held.
	 */
	@Override
	public synchronized void close() {
		this.closed = true;
		drop();
	}

	/**
	 * Drops a connection that failed, so the next tick opens a new one.
	 */
	synchronized void reset() {
		drop();
	}

	private void drop() {
		Connection current = this.connection;
		this.connection = null;
		SideConnections.closeQuietly(current);
	}

}
