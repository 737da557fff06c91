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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.util.UtilityElf;
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
 * in Hikari's return of it, before anyone can borrow it again: the role and the settings go back to the
 * session's start and Hikari's own setup (isolation, {@code schema}, {@code connection-init-sql}) is applied
 * again, custom settings set by name go back to empty, and the rest is undone by the statement that undoes
 * exactly it. Nothing is read inside a borrower's transaction. A connection
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
	 * Who the session is and every setting a borrower can change back to the session's start
	 * ({@code reset_val}: the server's defaults, the role's and database's, and the startup packet's, which
	 * carries Poolwise's session settings), in one round trip. Hikari's own setup is applied again after it.
	 */
	private static final String RESET = "SET SESSION AUTHORIZATION DEFAULT; RESET ROLE; "
			+ "SELECT set_config(name, reset_val, false) FROM pg_settings WHERE context IN ('user', 'superuser') "
			+ "AND name NOT LIKE 'transaction\\_%' AND setting IS DISTINCT FROM reset_val";

	/** Custom settings ({@code app.tenant}) back to empty: the server lists none of them in pg_settings. */
	private static final String RESET_CUSTOM = "SELECT set_config(n, NULL, false) FROM unnest(?::text[]) AS n";

	/** The frame of Hikari's return of a connection, the only caller of clearWarnings that means a return. */
	private static final String HIKARI_PROXY = "com.zaxxer.hikari.pool.ProxyConnection";

	/** Most distinct statement texts whose reading is kept. */
	private static final int KEPT = 4096;

	/** Longest statement text whose reading is kept: long texts are rare, and may carry values. */
	private static final int KEPT_LENGTH = 2048;

	private final String poolName;

	private final String[] names;

	private final @Nullable String initSql;

	private final @Nullable String schema;

	private final int isolation;

	private final Map<String, Integer> read = new ConcurrentHashMap<>();

	private final Set<String> warned = ConcurrentHashMap.newKeySet();

	private SessionState(DataSource delegate, HikariDataSource pool, List<String> names) {
		super(delegate);
		this.poolName = String.valueOf(pool.getPoolName());
		this.names = names.toArray(new String[0]);
		this.initSql = pool.getConnectionInitSql();
		this.schema = pool.getSchema();
		this.isolation = UtilityElf.getTransactionIsolation(pool.getTransactionIsolation());
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
			pool.setDataSource(new SessionState(target, pool, names));
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
		if (this.read.size() < KEPT && sql.length() <= KEPT_LENGTH) {
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

	private static String identifier(String name) {
		return "\"" + name.replace("\"", "\"\"") + "\"";
	}

	/**
	 * One pooled connection: what its borrowers may have left on it.
	 */
	private final class Watch implements InvocationHandler {

		private final Connection target;

		private int residue;

		/** Custom settings the borrowers set by name. */
		private final Set<String> custom = new HashSet<>();

		/** Whether a borrower set a setting whose name its statement's text does not give. */
		private boolean unnamed;

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
			if (name.equals("clearWarnings") && this.residue != 0 && returnedByHikari()) {
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

		void ran(String sql) {
			int found = residue(sql);
			if ((found & SessionResidue.SETTING.bit()) != 0) {
				this.custom.addAll(SessionResidue.customSettings(sql));
				this.unnamed |= SessionResidue.setsUnnamed(sql);
			}
			this.residue |= found;
		}

		/**
		 * Whether Hikari's return of the connection calls: a borrower's own {@code clearWarnings}, or one a
		 * framework makes while the connection is still lent, must not undo what the borrower is still doing.
		 */
		private boolean returnedByHikari() {
			return StackWalker.getInstance()
				.walk((frames) -> frames.limit(12)
					.anyMatch((frame) -> frame.getClassName().equals(HIKARI_PROXY)
							&& frame.getMethodName().equals("close")));
		}

		private void putRight() throws SQLException {
			int left = this.residue;
			boolean unnamed = this.unnamed;
			this.residue = 0;
			this.unnamed = false;
			try {
				if (unnamed) {
					throw new SQLException("a borrower set a setting that its statement does not name "
							+ "(set_config with a name bound as a parameter), which cannot be put back");
				}
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
			boolean autoCommit = this.target.getAutoCommit();
			if (!autoCommit) {
				// What Hikari rolls back on return when the borrower left work open; a clean transaction loses nothing.
				this.target.rollback();
			}
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
			if ((left & SessionResidue.SETTING.bit()) != 0) {
				statements.add(RESET);
			}
			if (!statements.isEmpty()) {
				try (Statement statement = this.target.createStatement()) {
					statement.execute(String.join("; ", statements));
				}
			}
			if ((left & SessionResidue.SETTING.bit()) != 0) {
				resetCustom();
				setUpAgain();
			}
			if (!autoCommit) {
				this.target.commit();
			}
		}

		private void resetCustom() throws SQLException {
			if (this.custom.isEmpty()) {
				return;
			}
			try (PreparedStatement statement = this.target.prepareStatement(RESET_CUSTOM)) {
				statement.setArray(1, this.target.createArrayOf("text", this.custom.toArray()));
				statement.executeQuery().close();
			}
			this.custom.clear();
		}

		/**
		 * What Hikari did to the connection when it opened it, after the reset took it back to the session's
		 * start: its isolation, its schema and its {@code connection-init-sql}, in Hikari's order.
		 */
		private void setUpAgain() throws SQLException {
			SessionState state = SessionState.this;
			if (state.isolation != -1) {
				this.target.setTransactionIsolation(state.isolation);
			}
			if (state.schema != null) {
				this.target.setSchema(state.schema);
			}
			if (state.initSql != null) {
				try (Statement statement = this.target.createStatement()) {
					statement.execute(state.initSql);
				}
			}
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
