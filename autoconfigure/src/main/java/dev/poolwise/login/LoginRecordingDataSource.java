package dev.poolwise.login;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.function.UnaryOperator;
import java.util.logging.Logger;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.util.DriverDataSource;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.poolwise.pool.ConnectionBirths;
import dev.poolwise.registry.PoolTarget;

/**
 * The DataSource Hikari opens the pool's connections through, the one Hikari would build itself, with each
 * login's outcome recorded in {@link LoginFailures}. It sits where connections are created because that is
 * the only place that sees a rejected login: a credentials provider is asked before the login and never
 * hears how it went, and Hikari's exception override and metrics tracker see only connections that exist.
 * The same place notes each connection's birth ({@link ConnectionBirths}), which a TLS rotation needs, and
 * explains a failure Poolwise can explain (a TLS failure of a pool with an SSL bundle names the bundle): the
 * explanation replaces the driver's bare message, as the cause of the caller's timeout too, and is logged
 * once at WARN until a connection opens again.
 */
public final class LoginRecordingDataSource implements DataSource {

	private static final Log logger = LogFactory.getLog(LoginRecordingDataSource.class);

	private final DataSource delegate;

	private final LoginFailures failures;

	private final String configuredRole;

	private final ConnectionBirths births;

	private final String poolName;

	private final UnaryOperator<SQLException> explainer;

	private volatile @Nullable String logged;

	private LoginRecordingDataSource(DataSource delegate, LoginFailures failures, String configuredRole,
			ConnectionBirths births, String poolName, UnaryOperator<SQLException> explainer) {
		this.delegate = delegate;
		this.failures = failures;
		this.configuredRole = configuredRole;
		this.births = births;
		this.poolName = poolName;
		this.explainer = explainer;
	}

	/**
	 * Puts the recording in front of an unstarted pool's connections: around its own DataSource if it has
	 * one, else around the {@link DriverDataSource} Hikari builds from the URL, driver properties and
	 * configured credentials, which Hikari then uses unchanged.
	 * @param pool the pool, configured and not yet started
	 * @param births where each new connection's start is noted
	 * @param explainer turns a failure into one in Poolwise's words, or returns it unchanged
	 * @return where its logins are recorded
	 */
	public static LoginFailures install(HikariDataSource pool, ConnectionBirths births,
			UnaryOperator<SQLException> explainer) {
		DataSource target = pool.getDataSource();
		if (target == null) {
			target = new DriverDataSource(pool.getJdbcUrl(), pool.getDriverClassName(), pool.getDataSourceProperties(),
					pool.getUsername(), pool.getPassword());
		}
		LoginFailures failures = new LoginFailures();
		String role = PoolTarget.of(pool.getJdbcUrl(), pool.getUsername()).user();
		pool.setDataSource(new LoginRecordingDataSource(target, failures, role, births,
				String.valueOf(pool.getPoolName()), explainer));
		return failures;
	}

	@Override
	public Connection getConnection() throws SQLException {
		return recorded(null, () -> this.delegate.getConnection());
	}

	@Override
	public Connection getConnection(String username, String password) throws SQLException {
		return recorded(username, () -> this.delegate.getConnection(username, password));
	}

	private Connection recorded(@Nullable String username, Login login) throws SQLException {
		long started = System.nanoTime();
		this.failures.opening();
		try {
			Connection connection = login.connect();
			this.births.born(connection, started);
			this.failures.succeeded(started);
			this.logged = null;
			return connection;
		}
		catch (SQLException ex) {
			SQLException explained = this.explainer.apply(ex);
			this.failures.failed(explained, (username != null) ? username : this.configuredRole);
			if (explained != ex && !String.valueOf(explained.getMessage()).equals(this.logged)) {
				this.logged = explained.getMessage();
				logger.warn("Pool '" + this.poolName + "' cannot open a connection: " + explained.getMessage());
			}
			throw explained;
		}
		finally {
			this.failures.opened();
		}
	}

	@Override
	public PrintWriter getLogWriter() throws SQLException {
		return this.delegate.getLogWriter();
	}

	@Override
	public void setLogWriter(PrintWriter out) throws SQLException {
		this.delegate.setLogWriter(out);
	}

	@Override
	public void setLoginTimeout(int seconds) throws SQLException {
		this.delegate.setLoginTimeout(seconds);
	}

	@Override
	public int getLoginTimeout() throws SQLException {
		return this.delegate.getLoginTimeout();
	}

	@Override
	public Logger getParentLogger() throws SQLFeatureNotSupportedException {
		return this.delegate.getParentLogger();
	}

	@Override
	public <T> T unwrap(Class<T> type) throws SQLException {
		return type.isInstance(this) ? type.cast(this) : this.delegate.unwrap(type);
	}

	@Override
	public boolean isWrapperFor(Class<?> type) throws SQLException {
		return type.isInstance(this) || this.delegate.isWrapperFor(type);
	}

	@FunctionalInterface
	private interface Login {

		Connection connect() throws SQLException;

	}

}
