package dev.poolwise.session;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * Finds pooled connections whose session settings drifted from what Poolwise set, as a {@code SET
 * statement_timeout = 0} by a migration's init SQL or by application code leaves them, and has Hikari
 * replace them. The check rides on Hikari's own validation ({@code isValid}, run when a connection idle for
 * more than 500ms is borrowed and at every keepalive), in its one round trip: it compares each configured
 * setting with its {@code reset_val}, the value the session started with, which is Poolwise's since it sends
 * them in the startup packet. A drifted connection is reported invalid, so Hikari closes it and hands out
 * another; the first drift of each setting in a pool is logged as a WARN naming it, the expected and the
 * found value. On a pool without auto-commit the check's transaction is rolled back, so a validated
 * connection is never left idle in a transaction.
 */
public final class SessionDrift extends DelegatingDataSource {

	private static final Log logger = LogFactory.getLog(SessionDrift.class);

	private static final String DRIFTED = "SELECT name, reset_val || coalesce(unit, ''), setting || coalesce(unit, '') "
			+ "FROM pg_settings WHERE name = ANY (?) AND setting IS DISTINCT FROM reset_val";

	private final String poolName;

	private final String[] names;

	private final Set<String> warned = ConcurrentHashMap.newKeySet();

	private SessionDrift(DataSource delegate, String poolName, List<String> names) {
		super(delegate);
		this.poolName = poolName;
		this.names = names.toArray(new String[0]);
	}

	/**
	 * Puts the check in front of an unstarted pool's connections, after its DataSource has been set (by
	 * {@code LoginRecordingDataSource}); nothing is installed when there are no server settings to watch.
	 * @param pool the pool, configured and not yet started, with a DataSource of its own
	 * @param settings the session settings Poolwise delivers to each connection
	 */
	public static void install(HikariDataSource pool, SessionSettings settings) {
		List<String> names = settings.all().stream().filter((setting) -> !setting.isCustom())
			.map(SessionSetting::name)
			.toList();
		DataSource target = pool.getDataSource();
		if (!names.isEmpty() && target != null) {
			pool.setDataSource(new SessionDrift(target, String.valueOf(pool.getPoolName()), names));
		}
	}

	@Override
	public Connection getConnection() throws SQLException {
		return watched(obtainTargetDataSource().getConnection());
	}

	@Override
	public Connection getConnection(String username, String password) throws SQLException {
		return watched(obtainTargetDataSource().getConnection(username, password));
	}

	private Connection watched(Connection connection) {
		return (Connection) Proxy.newProxyInstance(SessionDrift.class.getClassLoader(),
				new Class<?>[] { Connection.class }, new Validation(connection));
	}

	/**
	 * Whether the connection answers and still has the settings it started with.
	 */
	boolean isValid(Connection connection, int seconds) {
		try (PreparedStatement statement = connection.prepareStatement(DRIFTED)) {
			statement.setQueryTimeout(seconds);
			Array names = connection.createArrayOf("text", this.names);
			statement.setArray(1, names);
			boolean drifted = false;
			try (ResultSet rows = statement.executeQuery()) {
				while (rows.next()) {
					drifted = true;
					warnOnce(rows.getString(1), rows.getString(2), rows.getString(3));
				}
			}
			if (!connection.getAutoCommit()) {
				connection.rollback();
			}
			return !drifted;
		}
		catch (SQLException ex) {
			return false;
		}
	}

	private void warnOnce(String name, String expected, String found) {
		if (this.warned.add(name)) {
			logger.warn("Pool '" + this.poolName + "': a connection's " + name + " is " + found + " where Poolwise set "
					+ expected + "; something ran SET " + name + " on it (a migration's init SQL, or application "
					+ "code: use SET LOCAL inside a transaction instead). The connection is replaced; said once per "
					+ "setting.");
		}
	}

	private final class Validation implements InvocationHandler {

		private final Connection target;

		private Validation(Connection target) {
			this.target = target;
		}

		@Override
		public @Nullable Object invoke(Object proxy, Method method, Object @Nullable [] args) throws Throwable {
			if (method.getName().equals("equals") && args != null && args.length == 1) {
				return proxy == args[0];
			}
			if (method.getName().equals("hashCode") && args == null) {
				return System.identityHashCode(proxy);
			}
			if (method.getName().equals("isValid") && args != null && args.length == 1) {
				return SessionDrift.this.isValid(this.target, (Integer) args[0]);
			}
			if (method.getName().equals("unwrap") && args != null && ((Class<?>) args[0]).isInstance(this.target)) {
				return this.target;
			}
			try {
				return method.invoke(this.target, args);
			}
			catch (InvocationTargetException ex) {
				throw ex.getTargetException();
			}
		}

	}

}
