package dev.poolwise.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import dev.poolwise.registry.PoolTarget;
import dev.poolwise.startup.DatabaseUnavailableException;

/**
 * Explains a startup that could not reach PostgreSQL, naming the masked URL and the driver's reason, with
 * the fix for that cause: credentials, role, database, network or TLS. Lazy start is offered only where the
 * server may simply not be up yet; it would not make a wrong password work.
 */
class DatabaseUnavailableFailureAnalyzer extends AbstractFailureAnalyzer<DatabaseUnavailableException> {

	private static final String LAZY_START = " To let the application start while the database is unreachable, set "
			+ "db.pool.lazy-start=true: the pool then connects on first use.";

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, DatabaseUnavailableException cause) {
		String description = cause.getMessage() + " (" + cause.getFailure().summary() + ")";
		String password = (cause.getPasswordProblem() != null)
				? "spring.datasource.password " + cause.getPasswordProblem() + ". " : "";
		return new FailureAnalysis(description, password + action(cause), cause);
	}

	private static String action(DatabaseUnavailableException cause) {
		PoolTarget target = cause.getTarget();
		return switch (cause.getFailure()) {
			case WRONG_PASSWORD -> "Check spring.datasource.username ('" + target.user() + "') and "
					+ "spring.datasource.password against the role on the server (ALTER ROLE " + target.user()
					+ " PASSWORD '...'); with password authentication an unknown role is refused the same way.";
			case ROLE_REJECTED -> "Create the role (CREATE ROLE " + target.user() + " LOGIN PASSWORD '...') or "
					+ "correct spring.datasource.username; if the server says there is no pg_hba.conf entry, add a "
					+ "line for this client, database '" + target.database() + "' and role '" + target.user()
					+ "' to pg_hba.conf and reload the server.";
			case UNKNOWN_DATABASE -> "Create the database (CREATE DATABASE " + target.database() + " OWNER "
					+ target.user() + ") or correct the database name in spring.datasource.url.";
			case TOO_MANY_CONNECTIONS -> "The server has no connection slot left for this role: close idle sessions "
					+ "elsewhere, lower db.pool.size and db.pool.overflow, or raise max_connections (or the role's "
					+ "CONNECTION LIMIT)." + LAZY_START;
			case REFUSED -> "Nothing accepts connections at " + target.server() + ": start PostgreSQL, or correct "
					+ "the host and port in spring.datasource.url (and the server's listen_addresses)." + LAZY_START;
			case UNKNOWN_HOST -> "Correct the host in spring.datasource.url; it does not resolve here." + LAZY_START;
			case TIMED_OUT -> target.server() + " did not answer in time: check that the host is reachable from here "
					+ "(firewall, security group, VPN), or raise db.pool.connect-timeout and db.pool.login-timeout."
					+ LAZY_START;
			case TLS -> "Check the TLS parameters of spring.datasource.url (sslmode, sslrootcert) against the "
					+ "server's certificate and its ssl setting: sslmode=verify-full needs the CA that signed the "
					+ "server's certificate and a host name the certificate names.";
			case OTHER -> "Start PostgreSQL or correct spring.datasource.url, spring.datasource.username and "
					+ "spring.datasource.password." + LAZY_START;
		};
	}

}
