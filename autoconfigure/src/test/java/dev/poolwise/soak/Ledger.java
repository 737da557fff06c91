package dev.poolwise.soak;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

import javax.sql.DataSource;

import dev.poolwise.soak.LedgerCall.Kind;
import dev.poolwise.soak.LedgerCall.Outcome;

/**
 * Accounts whose total never changes and transfers between them, each a row with the id its client gave
 * it. {@code transfers.id} deliberately has no unique constraint: a transfer applied twice must show as two
 * rows that the checks count, not as a {@code 23505} that a retry could quietly swallow. Nothing is retried:
 * each call is made once, so a second row can only come from below the application.
 */
final class Ledger {

	static final int ACCOUNTS = 10;

	static final long OPENING_BALANCE = 1_000;

	static final long TOTAL = ACCOUNTS * OPENING_BALANCE;

	private static final String INSERT = "INSERT INTO transfers (id, from_account, to_account, amount, server_port) "
			+ "VALUES (?, ?, ?, ?, inet_server_port()) RETURNING server_port";

	private static final String MOVE = "UPDATE accounts SET balance = balance + ? WHERE id = ?";

	private Ledger() {
	}

	/**
	 * Creates the tables afresh on the primary, owned by the superuser, usable by the soak's role.
	 * @param superuser a connection to the primary
	 * @throws SQLException if the server refuses
	 */
	static void create(Connection superuser) throws SQLException {
		try (Statement statement = superuser.createStatement()) {
			statement.execute("DROP TABLE IF EXISTS transfers, accounts");
			statement.execute("CREATE TABLE accounts (id int PRIMARY KEY, balance bigint NOT NULL)");
			statement.execute("CREATE TABLE transfers (id bigint NOT NULL, from_account int NOT NULL, "
					+ "to_account int NOT NULL, amount bigint NOT NULL, server_port int NOT NULL, "
					+ "committed_at timestamptz NOT NULL DEFAULT clock_timestamp())");
			statement.execute("CREATE INDEX ON transfers (id)");
			statement.execute("INSERT INTO accounts SELECT g, " + OPENING_BALANCE + " FROM generate_series(1, "
					+ ACCOUNTS + ") g");
			statement.execute("GRANT SELECT, INSERT, UPDATE ON accounts, transfers TO " + FaultSoak.ROLE);
		}
	}

	/**
	 * Moves an amount between two accounts in one transaction that records the transfer and the server that
	 * committed it. Accounts are updated in id order so that concurrent transfers never deadlock.
	 */
	static LedgerCall transfer(DataSource pool, long id, int from, int to, long amount) {
		long start = System.nanoTime();
		boolean committing = false;
		Connection connection = null;
		try {
			connection = pool.getConnection();
			connection.setAutoCommit(false);
			int port;
			try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
				insert.setLong(1, id);
				insert.setInt(2, from);
				insert.setInt(3, to);
				insert.setLong(4, amount);
				try (ResultSet row = insert.executeQuery()) {
					row.next();
					port = row.getInt(1);
				}
			}
			try (PreparedStatement move = connection.prepareStatement(MOVE)) {
				move(move, Math.min(from, to), (from < to) ? -amount : amount);
				move(move, Math.max(from, to), (from < to) ? amount : -amount);
			}
			committing = true;
			connection.commit();
			return new LedgerCall(Kind.TRANSFER, id, start, System.nanoTime(), Outcome.ACKNOWLEDGED, null, port, 0);
		}
		catch (SQLException ex) {
			return new LedgerCall(Kind.TRANSFER, id, start, System.nanoTime(),
					committing ? Outcome.UNKNOWN : Outcome.FAILED, ex, 0, 0);
		}
		finally {
			closeQuietly(connection);
		}
	}

	private static void move(PreparedStatement move, int account, long delta) throws SQLException {
		move.setLong(1, delta);
		move.setInt(2, account);
		move.executeUpdate();
	}

	/**
	 * Reads the total of all accounts, which every snapshot must show unchanged, in a read-only transaction
	 * that the routing sends to a replica when one is available.
	 */
	static LedgerCall readTotal(DataSource pool) {
		return readOnly(pool, Kind.READ, 0, "SELECT sum(balance), inet_server_port() FROM accounts");
	}

	/**
	 * Reads a transfer's rows back in a read-only transaction, on the thread that wrote it: with read-your-writes
	 * the routing sends it only where the transfer is visible, so it must see one row.
	 */
	static LedgerCall readBack(DataSource pool, long id) {
		return readOnly(pool, Kind.READ_BACK, id,
				"SELECT count(*), inet_server_port() FROM transfers WHERE id = " + id);
	}

	private static LedgerCall readOnly(DataSource pool, Kind kind, long id, String sql) {
		long start = System.nanoTime();
		try (Connection connection = pool.getConnection()) {
			connection.setReadOnly(true);
			connection.setAutoCommit(false);
			long value;
			int port;
			try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery(sql)) {
				row.next();
				value = row.getLong(1);
				port = row.getInt(2);
			}
			connection.commit();
			return new LedgerCall(kind, id, start, System.nanoTime(), Outcome.ACKNOWLEDGED, null, port, value);
		}
		catch (SQLException ex) {
			return new LedgerCall(kind, id, start, System.nanoTime(), Outcome.FAILED, ex, 0, 0);
		}
	}

	/**
	 * The ledger as the primary holds it at the end.
	 * @param superuser a connection to the primary
	 * @return rows per transfer id, balances, and what the rows add up to per account
	 * @throws SQLException if the server refuses
	 */
	static State read(Connection superuser) throws SQLException {
		Map<Long, Integer> rows = new HashMap<>();
		Map<Long, Integer> ports = new HashMap<>();
		Map<Integer, Long> moved = new HashMap<>();
		Map<Integer, Long> balances = new HashMap<>();
		try (Statement statement = superuser.createStatement()) {
			try (ResultSet row = statement
				.executeQuery("SELECT id, from_account, to_account, amount, server_port FROM transfers")) {
				while (row.next()) {
					rows.merge(row.getLong(1), 1, Integer::sum);
					ports.put(row.getLong(1), row.getInt(5));
					moved.merge(row.getInt(2), -row.getLong(4), Long::sum);
					moved.merge(row.getInt(3), row.getLong(4), Long::sum);
				}
			}
			try (ResultSet row = statement.executeQuery("SELECT id, balance FROM accounts")) {
				while (row.next()) {
					balances.put(row.getInt(1), row.getLong(2));
				}
			}
		}
		return new State(rows, ports, moved, balances);
	}

	private static void closeQuietly(Connection connection) {
		if (connection == null) {
			return;
		}
		try {
			connection.close();
		}
		catch (SQLException ex) {
			// The call's outcome is decided; a broken connection is the pool's to replace.
		}
	}

	/**
	 * The ledger on the server.
	 *
	 * @param rows rows per transfer id
	 * @param ports the server port each id's row recorded
	 * @param moved per account, what the transfer rows add up to
	 * @param balances per account, its balance
	 */
	record State(Map<Long, Integer> rows, Map<Long, Integer> ports, Map<Integer, Long> moved,
			Map<Integer, Long> balances) {

		long total() {
			return this.balances.values().stream().mapToLong(Long::longValue).sum();
		}

		int rows(long id) {
			return this.rows.getOrDefault(id, 0);
		}

	}

}
