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
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.datasource.DelegatingDataSource;

import dev.poolwise.holders.ApplicationFrames;

/**
 * Keeps what one borrower does to a pooled session from reaching the next borrower.
 * <p>
 * <b>Left on return.</b> A {@code SET search_path}, {@code SET ROLE}, {@code LISTEN}, a session advisory lock,
 * a temporary table, an SQL {@code PREPARE} or a cursor {@code WITH HOLD} lasts as long as the session does,
 * and the pool hands the session to someone else. The text of each statement a borrower runs is read (once per
 * distinct text) for them ({@link SessionResidue}); a connection that ran one is put right when it is returned,
 * in Hikari's return of it, before anyone can borrow it again: settings are restored to the values they had
 * before its first such statement (read then, so Hikari's own setup, {@code connection-init-sql} and
 * {@code schema} are kept), the others are undone by the statement that undoes exactly them. A connection
 * whose borrowers change nothing pays no round trip. The first of each kind in a pool is logged once as a WARN
 * naming the code that did it; a connection that cannot be put right is reported broken, so Hikari closes it.
 * <p>
 * <b>Drift.</b> A session setting Poolwise delivers can still change where no statement text shows it (a
 * function that calls {@code set_config}). That check rides on Hikari's own validation ({@code isValid}, run
 * when a connection idle for more than 500ms is borrowed and at every keepalive), in its one round trip: it
 * compares each configured setting with its {@code reset_val}, the value the session started with, which is
 * Poolwise's since it sends them in the startup packet. A drifted connection is reported invalid, so Hikari
 * closes it and hands out another; the first drift of each setting in a pool is logged as a WARN. On a pool
 * without auto-commit the check's transaction is rolled back, so a validated connection is never left idle in
 * a transaction.
 */
public final class SessionState extends DelegatingDataSource {

	private static final Log logger = LogFactory.getLog(SessionState.class);

	private static final String DRIFTED = "SELECT name, reset_val || coalesce(unit, ''), setting || coalesce(unit, '') "
			+ "FROM pg_settings WHERE name = ANY (?) AND setting IS DISTINCT FROM reset_val";

	/**
	 * The settings a borrower can change, as they differ from the session's start (custom ones, {@code app.x},
	 * whenever they exist: the server's start of one made by {@code set_config} is its first value), and who
	 * the session is.
	 */
	private static final String SETTINGS = "SELECT name, setting FROM pg_settings WHERE context IN ('user', "
			+ "'superuser') AND name NOT LIKE 'transaction\\_%' AND (setting IS DISTINCT FROM reset_val OR name LIKE "
			+ "'%.%') "
			+ "UNION ALL SELECT ' current_user', current_user::text UNION ALL SELECT ' session_user', session_user::text";

	private static final String RESTORE = "SELECT set_config(s.name, coalesce(b.setting, s.reset_val), false) "
			+ "FROM pg_settings s LEFT JOIN unnest(?::text[], ?::text[]) AS b(name, setting) ON b.name = s.name "
			+ "WHERE s.name = ANY (?)";

	private static final String CUSTOM_VALUES = "SELECT n, current_setting(n, true) FROM unnest(?::text[]) AS n";

	private static final String RESTORE_CUSTOM = "SELECT set_config(n, v, false) FROM unnest(?::text[], ?::text[]) AS t(n, v)";

	private static final String CURRENT_USER = " current_user";

	private static final String SESSION_USER = " session_user";

	/** Most distinct statement texts whose reading is kept. */
	private static final int KEPT = 4096;

	private final String poolName;

	private final String[] names;

	private final @Nullable String initSql;

	private final Map<String, Integer> read = new ConcurrentHashMap<>();

	private final Set<String> warned = ConcurrentHashMap.newKeySet();

	private SessionState(DataSource delegate, String poolName, List<String> names, @Nullable String initSql) {
		super(delegate);
		this.poolName = poolName;
		this.names = names.toArray(new String[0]);
		this.initSql = initSql;
	}

	/**
	 * Puts the watch in front of an unstarted pool's connections, after its DataSource has been set (by
	 * {@code LoginRecordingDataSource}).
	 * @param pool the pool, configured and not yet started, with a DataSource of its own
	 * @param settings the session settings Poolwise delivers to each connection
	 */
	public static void install(HikariDataSource pool, SessionSettings settings) {
		List<String> names = settings.all().stream().filter((setting) -> !setting.isCustom())
			.map(SessionSetting::name)
			.toList();
		DataSource target = pool.getDataSource();
		if (target != null) {
			pool.setDataSource(new SessionState(target, String.valueOf(pool.getPoolName()), names,
					pool.getConnectionInitSql()));
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
		return (Connection) Proxy.newProxyInstance(SessionState.class.getClassLoader(),
				new Class<?>[] { Connection.class }, new Watch(connection));
	}

	/**
	 * What a statement may leave behind; Hikari's own {@code connection-init-sql} is the session's start.
	 */
	int residue(String sql) {
		if (sql.equals(this.initSql)) {
			return 0;
		}
		Integer known = this.read.get(sql);
		if (known != null) {
			return known;
		}
		int found = SessionResidue.of(sql);
		if (this.read.size() < KEPT) {
			this.read.put(sql, found);
		}
		return found;
	}

	/**
	 * Whether the connection answers and still has the settings it started with.
	 */
	boolean isValid(Connection connection, int seconds) throws SQLException {
		if (this.names.length == 0) {
			return connection.isValid(seconds);
		}
		try (PreparedStatement statement = connection.prepareStatement(DRIFTED)) {
			statement.setQueryTimeout(seconds);
			Array names = connection.createArrayOf("text", this.names);
			statement.setArray(1, names);
			boolean drifted = false;
			try (ResultSet rows = statement.executeQuery()) {
				while (rows.next()) {
					drifted = true;
					warnOnce(rows.getString(1), "Pool '" + this.poolName + "': a connection's " + rows.getString(1)
							+ " is " + rows.getString(3) + " where Poolwise set " + rows.getString(2)
							+ "; something ran SET " + rows.getString(1) + " on it (a migration's init SQL, or "
							+ "application code: use SET LOCAL inside a transaction instead). The connection is "
							+ "replaced; said once per setting.");
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

	private void warnOnce(String key, String message) {
		if (this.warned.add(key)) {
			logger.warn(message);
		}
	}

	private static Map<String, String> settings(Connection connection) throws SQLException {
		Map<String, String> settings = new HashMap<>();
		try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(SETTINGS)) {
			while (rows.next()) {
				settings.put(rows.getString(1), rows.getString(2));
			}
		}
		return settings;
	}

	private static String identifier(String name) {
		return "\"" + name.replace("\"", "\"\"") + "\"";
	}

	/**
	 * One pooled connection: what its borrowers may have left on it, and its settings before the first of
	 * them changed any.
	 */
	private final class Watch implements InvocationHandler {

		private final Connection target;

		private int residue;

		private @Nullable Map<String, String> before;

		/** Custom settings by name, with their values before the first statement that set them. */
		private final Map<String, Optional<String>> custom = new HashMap<>();

		private Watch(Connection target) {
			this.target = target;
		}

		@Override
		public @Nullable Object invoke(Object proxy, Method method, Object @Nullable [] args) throws Throwable {
			String name = method.getName();
			if (isIdentity(proxy, this.target, name, args)) {
				return identity(proxy, this.target, name, args);
			}
			if (name.equals("isValid") && args != null && args.length == 1) {
				return SessionState.this.isValid(this.target, (Integer) args[0]);
			}
			if (name.equals("clearWarnings") && this.residue != 0) {
				// Hikari's return of the connection, after its rollback and reset, before anyone can borrow it.
				putRight();
			}
			if ((name.equals("prepareStatement") || name.equals("prepareCall")) && args != null
					&& args[0] instanceof String sql) {
				ran(sql);
			}
			Object result = call(this.target, method, args);
			if (name.equals("createStatement") && result instanceof Statement statement) {
				return Proxy.newProxyInstance(SessionState.class.getClassLoader(), new Class<?>[] { Statement.class },
						new StatementWatch(statement, this));
			}
			return result;
		}

		void ran(String sql) throws SQLException {
			int found = residue(sql);
			if (found == 0) {
				return;
			}
			if ((found & SessionResidue.SETTING.bit()) != 0) {
				if (this.before == null) {
					this.before = settings(this.target);
				}
				remember(SessionResidue.customSettings(sql));
			}
			this.residue |= found;
		}

		/**
		 * The values custom settings have before a statement sets them, the first time each is set.
		 */
		private void remember(Set<String> names) throws SQLException {
			List<String> unknown = names.stream().filter((name) -> !this.custom.containsKey(name)).toList();
			if (unknown.isEmpty()) {
				return;
			}
			try (PreparedStatement statement = this.target.prepareStatement(CUSTOM_VALUES)) {
				statement.setArray(1, this.target.createArrayOf("text", unknown.toArray()));
				try (ResultSet rows = statement.executeQuery()) {
					while (rows.next()) {
						this.custom.put(rows.getString(1), Optional.ofNullable(rows.getString(2)));
					}
				}
			}
		}

		private void putRight() throws SQLException {
			int left = this.residue;
			this.residue = 0;
			try {
				undo(left);
			}
			catch (SQLException ex) {
				try {
					this.target.close();
				}
				catch (SQLException closing) {
					ex.addSuppressed(closing);
				}
				throw new SQLException("Poolwise could not undo what a borrower left on this connection ("
						+ ex.getMessage() + "); the connection is closed", "08003", ex);
			}
			String where = where();
			for (SessionResidue residue : SessionResidue.values()) {
				if ((left & residue.bit()) != 0) {
					warnOnce(residue.name(), "Pool '" + SessionState.this.poolName + "': a borrower" + where
							+ " returned a connection that ran " + residue.what() + ", which outlives the "
							+ "transaction; Poolwise " + residue.undone() + " before the next borrower got it. "
							+ "To keep it from the pool, " + residue.fix() + ". Said once per kind.");
				}
			}
		}

		private void undo(int left) throws SQLException {
			List<String> statements = new ArrayList<>();
			if ((left & SessionResidue.LISTEN.bit()) != 0) {
				statements.add("UNLISTEN *");
			}
			if ((left & SessionResidue.ADVISORY_LOCK.bit()) != 0) {
				statements.add("SELECT pg_advisory_unlock_all()");
			}
			if ((left & SessionResidue.HELD_CURSOR.bit()) != 0) {
				statements.add("CLOSE ALL");
			}
			if ((left & SessionResidue.TEMPORARY.bit()) != 0) {
				statements.add("DISCARD TEMP");
			}
			if ((left & SessionResidue.PREPARED.bit()) != 0) {
				try (Statement statement = this.target.createStatement();
						ResultSet names = statement.executeQuery("SELECT name FROM pg_prepared_statements WHERE from_sql")) {
					while (names.next()) {
						statements.add("DEALLOCATE " + identifier(names.getString(1)));
					}
				}
			}
			if (!statements.isEmpty()) {
				try (Statement statement = this.target.createStatement()) {
					statement.execute(String.join("; ", statements));
				}
			}
			if ((left & SessionResidue.SETTING.bit()) != 0 && this.before != null) {
				restore(this.before);
				restoreCustom();
			}
			if (!this.target.getAutoCommit()) {
				this.target.commit();
			}
		}

		/**
		 * Who the session is first, then every setting that differs from before back to its value then.
		 */
		private void restore(Map<String, String> before) throws SQLException {
			Map<String, String> now = restoreIdentity(before, settings(this.target));
			List<String> changed = new ArrayList<>();
			now.forEach((setting, value) -> {
				if (!setting.startsWith(" ") && !value.equals(before.get(setting))) {
					changed.add(setting);
				}
			});
			before.forEach((setting, value) -> {
				if (!setting.startsWith(" ") && !now.containsKey(setting)) {
					changed.add(setting);
				}
			});
			if (changed.isEmpty()) {
				return;
			}
			List<String> names = new ArrayList<>();
			List<String> values = new ArrayList<>();
			before.forEach((setting, value) -> {
				if (!setting.startsWith(" ")) {
					names.add(setting);
					values.add(value);
				}
			});
			try (PreparedStatement statement = this.target.prepareStatement(RESTORE)) {
				statement.setArray(1, this.target.createArrayOf("text", names.toArray()));
				statement.setArray(2, this.target.createArrayOf("text", values.toArray()));
				statement.setArray(3, this.target.createArrayOf("text", changed.toArray()));
				statement.executeQuery().close();
			}
		}

		/**
		 * Custom settings back to their values before, or to empty where they had none: the server cannot
		 * forget a custom setting once made.
		 */
		private void restoreCustom() throws SQLException {
			if (this.custom.isEmpty()) {
				return;
			}
			List<String> names = new ArrayList<>();
			List<@Nullable String> values = new ArrayList<>();
			this.custom.forEach((name, value) -> {
				names.add(name);
				values.add(value.orElse(null));
			});
			try (PreparedStatement statement = this.target.prepareStatement(RESTORE_CUSTOM)) {
				statement.setArray(1, this.target.createArrayOf("text", names.toArray()));
				statement.setArray(2, this.target.createArrayOf("text", values.toArray()));
				statement.executeQuery().close();
			}
		}

		/**
		 * The session's user and role back to what they were, first, as they decide which settings may be set.
		 * @return the settings now
		 */
		private Map<String, String> restoreIdentity(Map<String, String> before, Map<String, String> now)
				throws SQLException {
			boolean session = !Objects.equals(now.get(SESSION_USER), before.get(SESSION_USER));
			boolean role = !Objects.equals(now.get(CURRENT_USER), before.get(CURRENT_USER));
			if (!session && !role) {
				return now;
			}
			String previous = before.get(CURRENT_USER);
			try (Statement statement = this.target.createStatement()) {
				if (session) {
					statement.execute("SET SESSION AUTHORIZATION DEFAULT");
				}
				statement.execute((previous == null || previous.equals(before.get(SESSION_USER))) ? "SET ROLE NONE"
						: "SET ROLE " + identifier(previous));
			}
			return settings(this.target);
		}

		private String where() {
			StackTraceElement frame = ApplicationFrames.first(Thread.currentThread().getStackTrace());
			return (frame != null) ? " in " + ApplicationFrames.describe(frame) : "";
		}

	}

	/**
	 * A plain statement of a watched connection: its texts are read as it runs them.
	 */
	private static final class StatementWatch implements InvocationHandler {

		private final Statement target;

		private final Watch connection;

		private StatementWatch(Statement target, Watch connection) {
			this.target = target;
			this.connection = connection;
		}

		@Override
		public @Nullable Object invoke(Object proxy, Method method, Object @Nullable [] args) throws Throwable {
			String name = method.getName();
			if (isIdentity(proxy, this.target, name, args)) {
				return identity(proxy, this.target, name, args);
			}
			if ((name.startsWith("execute") || name.equals("addBatch")) && args != null && args.length > 0
					&& args[0] instanceof String sql) {
				this.connection.ran(sql);
			}
			return call(this.target, method, args);
		}

	}

	/**
	 * Whether a proxy answers the call itself: {@code equals} and {@code hashCode} by identity, and
	 * {@code unwrap} to what it watches.
	 */
	private static boolean isIdentity(Object proxy, Object target, String name, Object @Nullable [] args) {
		return (name.equals("equals") && args != null && args.length == 1) || (name.equals("hashCode") && args == null)
				|| (name.equals("unwrap") && args != null && ((Class<?>) args[0]).isInstance(target));
	}

	private static Object identity(Object proxy, Object target, String name, Object @Nullable [] args) {
		return switch (name) {
			case "equals" -> args != null && proxy == args[0];
			case "hashCode" -> System.identityHashCode(proxy);
			default -> target;
		};
	}

	private static @Nullable Object call(Object target, Method method, Object @Nullable [] args) throws Throwable {
		try {
			return method.invoke(target, args);
		}
		catch (InvocationTargetException ex) {
			throw ex.getTargetException();
		}
	}

}
