package dev.poolwise.replica;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import com.zaxxer.hikari.HikariDataSource;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.poolwise.net.SideConnections;
import dev.poolwise.pool.JdbcUrls;
import dev.poolwise.validation.Violations;

/**
 * Checks at startup, over one side connection each, that every replica URL reaches a standby of the
 * primary's own cluster: in recovery, and with the primary's {@code system_identifier}. A replica that does
 * not answer is not an error unless replicas are required; a wrong one always is.
 */
public final class ReplicaCheck {

	private static final Log logger = LogFactory.getLog(ReplicaCheck.class);

	private static final String IDENTITY = "SELECT pg_is_in_recovery(), system_identifier::text, "
			+ "current_setting('default_transaction_isolation') FROM pg_control_system()";

	private static final String RECOVERY = "SELECT pg_is_in_recovery(), NULL, "
			+ "current_setting('default_transaction_isolation')";

	private final @Nullable String cluster;

	private final String urlKey;

	private final boolean required;

	private final Duration timeout;

	/**
	 * Reads the primary's cluster identity.
	 * @param primary the primary's tuned pool
	 * @param urlKey the property the replica URLs come from
	 * @param required whether an unreachable replica fails startup
	 * @param timeout longest a check may take
	 */
	public ReplicaCheck(HikariDataSource primary, String urlKey, boolean required, Duration timeout) {
		this.urlKey = urlKey;
		this.required = required;
		this.timeout = timeout;
		this.cluster = cluster(primary, timeout);
	}

	/**
	 * Checks one replica.
	 * @param name the replica's name
	 * @param pool its tuned, not yet started pool
	 * @param violations where a wrong replica is recorded
	 * @return whether it answered
	 */
	public boolean check(String name, HikariDataSource pool, Violations violations) {
		String url = JdbcUrls.mask(pool.getJdbcUrl());
		try (Connection connection = SideConnections.open(pool, SideConnections.REPLICA_CHECK, this.timeout);
				Statement statement = connection.createStatement();
				ResultSet row = statement.executeQuery((this.cluster != null) ? IDENTITY : RECOVERY)) {
			row.next();
			String identifier = row.getString(2);
			if (this.cluster != null && !this.cluster.equals(identifier)) {
				violations.add(this.urlKey, url, "replica '" + name + "' belongs to another cluster (its "
						+ "system_identifier " + identifier + " is not the primary's " + this.cluster + ")",
						"Point it at a streaming standby of spring.datasource.url's primary.");
			}
			else if (!row.getBoolean(1)) {
				violations.add(this.urlKey, url, "replica '" + name + "' is a primary (pg_is_in_recovery() is false)",
						"Point it at a streaming standby (hot_standby = on), not at a server that takes writes.");
			}
			else if ("serializable".equals(row.getString(3))) {
				violations.add(this.urlKey, url, "replica '" + name + "' runs transactions at SERIALIZABLE by default "
						+ "(default_transaction_isolation, from postgresql.conf, ALTER ROLE/DATABASE or the URL's "
						+ "options), which a hot standby refuses, so every read routed to it would fail with 0A000",
						"Set default_transaction_isolation to 'read committed' or 'repeatable read' for the role, and "
								+ "ask for SERIALIZABLE per transaction, which runs on the primary.");
			}
			return true;
		}
		catch (SQLException ex) {
			return failed(name, url, ex, violations);
		}
	}

	private boolean failed(String name, String url, SQLException ex, Violations violations) {
		String state = (ex.getSQLState() != null) ? ex.getSQLState() : "";
		if (state.equals("3D000")) {
			violations.add(this.urlKey, url, "replica '" + name + "' has no such database (" + ex.getMessage() + ")",
					"Name the primary's database in the replica URL; a streaming standby has the same databases.");
			return true;
		}
		if (state.startsWith("28")) {
			violations.add(this.urlKey, url, "replica '" + name + "' refused the login (" + state + ": "
					+ ex.getMessage() + ")", "Check pg_hba.conf on the replica; it uses the primary's credentials.");
			return true;
		}
		if (this.required) {
			violations.add("db.pool.replicas.required", true, "replica '" + name + "' (" + url
					+ ") is unreachable (" + ex.getMessage() + ")",
					"Start the replica, or set db.pool.replicas.required=false to start with reads on the primary.");
		}
		return false;
	}

	/**
	 * The primary's {@code system_identifier}, or null when it cannot be read: then one WARN says that replicas
	 * are checked only for being standbys, not for being this primary's.
	 */
	private static @Nullable String cluster(HikariDataSource primary, Duration timeout) {
		try (Connection connection = SideConnections.open(primary, SideConnections.REPLICA_CHECK, timeout);
				Statement statement = connection.createStatement();
				ResultSet row = statement.executeQuery(IDENTITY)) {
			return row.next() ? row.getString(2) : null;
		}
		catch (SQLException ex) {
			logger.warn("Could not read the primary's cluster identity (" + ex.getSQLState() + ": " + ex.getMessage()
					+ "), so the replicas are checked only for being standbys, not for being standbys of this "
					+ "primary; the role needs EXECUTE on pg_control_system(), which PostgreSQL grants to every role "
					+ "unless it was revoked");
			return null;
		}
	}

}
