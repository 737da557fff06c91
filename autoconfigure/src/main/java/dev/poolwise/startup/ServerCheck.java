package dev.poolwise.startup;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;

import com.zaxxer.hikari.HikariDataSource;
import org.postgresql.Driver;
import org.postgresql.PGProperty;

import dev.poolwise.budget.ConnectionBudget;
import dev.poolwise.budget.Fleet;
import dev.poolwise.net.SideConnections;
import dev.poolwise.session.SessionSettings;
import dev.poolwise.session.SessionSettingsVerifier;
import dev.poolwise.validation.Violations;

/**
 * Checks a tuned pool against its server over one short-lived connection beside it, opened before the pool
 * starts: the session settings must be accepted and the pool should fit the server's connection budget.
 * Going around the pool keeps a bad setting from failing every pool connection with a cryptic FATAL. Its
 * reads are bounded by the login timeout too, so a server that takes the login but never answers (stalled,
 * or a proxy in front of a database that is down) fails startup instead of hanging it.
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
	 * @return the server's connection budget and the other instances
	 * @throws DatabaseUnavailableException if the server cannot be reached
	 */
	static Result run(HikariDataSource dataSource, SessionSettings session, Violations violations) {
		Properties info = SideConnections.properties(dataSource, "startup check");
		Properties effective = Driver.parseURL(dataSource.getJdbcUrl(), info);
		if (effective != null && effective.getProperty("loginTimeout") != null) {
			PGProperty.SOCKET_TIMEOUT.set(info, effective.getProperty("loginTimeout"));
		}
		try (Connection connection = new Driver().connect(dataSource.getJdbcUrl(), info)) {
			SessionSettingsVerifier.verify(connection, session, violations);
			ConnectionBudget budget = ConnectionBudget.read(connection);
			return new Result(budget, Fleet.read(connection, SideConnections.applicationName(dataSource)));
		}
		catch (SQLException ex) {
			throw new DatabaseUnavailableException(dataSource, ex);
		}
	}

	/**
	 * What the check read from the server.
	 *
	 * @param budget the connection budget
	 * @param fleet the application's other instances
	 */
	record Result(ConnectionBudget budget, Fleet fleet) {

	}

}
