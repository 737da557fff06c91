package dev.poolwise.startup;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import com.zaxxer.hikari.HikariDataSource;
import org.jspecify.annotations.Nullable;

import dev.poolwise.budget.ConnectionBudget;
import dev.poolwise.budget.Fleet;
import dev.poolwise.login.AuthFailures;
import dev.poolwise.net.SideConnections;
import dev.poolwise.registry.PoolTarget;
import dev.poolwise.session.SessionSettings;
import dev.poolwise.session.SessionSettingsVerifier;
import dev.poolwise.tls.TlsFailures;
import dev.poolwise.validation.PoolConfigurationException;
import dev.poolwise.validation.Violation;
import dev.poolwise.validation.Violations;

/**
 * Checks a tuned pool against its server over one short-lived side connection ({@link SideConnections}),
 * opened before the pool starts: the session settings must be accepted and the pool should fit the server's
 * connection budget. Named like every side connection, it is not counted among the application's sessions.
 * Going around the pool keeps a bad setting from failing every pool connection with a cryptic FATAL. Its
 * reads are bounded by the login timeout too, so a server that takes the login but never answers (stalled, or
 * a proxy in front of a database that is down) fails startup instead of hanging it.
 */
final class ServerCheck {

	private ServerCheck() {
	}

	/**
	 * Verifies the session settings, reads the connection budget and counts the application's other
	 * instances on the server.
	 * @param dataSource the tuned, not yet started pool
	 * @param session its session settings
	 * @param violations where refused settings are recorded
	 * @param tls explains a failed TLS connection of a pool with an SSL bundle, or null
	 * @param auth explains a login the pool's login switches refused
	 * @param probePgBouncer whether to find out if the PgBouncer in front routes prepared statements
	 * @return the server's connection budget, the other instances, the connection's TLS and the probe's outcome
	 * @throws DatabaseUnavailableException if the server cannot be reached
	 * @throws dev.poolwise.validation.PoolConfigurationException if TLS with the pool's bundle failed, or
	 * a login switch refused the login
	 */
	static Result run(HikariDataSource dataSource, SessionSettings session, Violations violations,
			@Nullable TlsFailures tls, AuthFailures auth, boolean probePgBouncer) {
		try (Connection connection = SideConnections.openWithinLoginTimeout(dataSource,
				SideConnections.STARTUP_CHECK)) {
			SessionSettingsVerifier.verify(connection, session, violations);
			ConnectionBudget budget = ConnectionBudget.read(connection);
			return new Result(budget, ConnectionBudget.unseen(connection),
					Fleet.read(connection, SideConnections.applicationName(dataSource)), tls(connection),
					probePgBouncer ? PreparedStatementProbe.run(connection) : null);
		}
		catch (SQLException ex) {
			String server = PoolTarget.of(dataSource.getJdbcUrl(), null).server();
			Violation explained = (tls != null) ? tls.explain(ex, server) : null;
			if (explained == null) {
				explained = auth.explain(ex, server);
			}
			if (explained != null) {
				throw new PoolConfigurationException(List.of(explained));
			}
			throw new DatabaseUnavailableException(dataSource, ex);
		}
	}

	/**
	 * The TLS of the check's own connection as the server sees it, which every connection of the pool shares.
	 */
	private static @Nullable String tls(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet row = statement
					.executeQuery("SELECT ssl, version, cipher FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
			return (row.next() && row.getBoolean(1)) ? row.getString(2) + ", " + row.getString(3) : null;
		}
	}

	/**
	 * What the check read from the server.
	 *
	 * @param budget the connection budget
	 * @param unseen what the role cannot see of other sessions, in words, or null when it sees them all
	 * @param fleet the application's other instances
	 * @param tls protocol and cipher of the connection per {@code pg_stat_ssl}, or null when it is plain
	 * @param pgbouncer whether the PgBouncer in front routes prepared statements, or null when not probed
	 */
	record Result(ConnectionBudget budget, @Nullable String unseen, Fleet fleet, @Nullable String tls,
			PreparedStatementProbe.@Nullable Outcome pgbouncer) {

	}

}
