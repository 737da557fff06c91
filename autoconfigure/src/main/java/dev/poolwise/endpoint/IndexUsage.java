package dev.poolwise.endpoint;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * How the current database's indexes are used, from {@code pg_stat_user_indexes}: an index that is never
 * scanned still costs space and slows every write. Unique and primary-key indexes enforce constraints and
 * are never reported unused. Counters run since the last statistics reset, and are the server's own: a
 * standby keeps its own scan counts, so on a primary with read replicas an index counts as unused only when no
 * replica scanned it either; those the replicas use are listed apart.
 *
 * @param largest the fifty largest indexes
 * @param unused up to fifty never scanned indexes that enforce nothing, largest first
 * @param usedOnReplicas indexes never scanned on this server that a read replica scanned: dropping one slows
 * the replicas' reads
 * @param replicasNotRead replica pools whose scans could not be read, so an index in {@code unused} may still
 * be used there
 */
public record IndexUsage(List<Index> largest, List<Index> unused, List<Index> usedOnReplicas,
		List<String> replicasNotRead) {

	private static final String SCANNED = "SELECT schemaname, indexrelname FROM pg_stat_user_indexes WHERE idx_scan > 0";

	private static final String QUERY = """
			SELECT s.schemaname, s.relname, s.indexrelname, s.idx_scan, s.idx_tup_read, s.idx_tup_fetch,
			       pg_relation_size(s.indexrelid) AS size_bytes
			FROM pg_stat_user_indexes s JOIN pg_index i ON i.indexrelid = s.indexrelid
			WHERE ? OR (s.idx_scan = 0 AND NOT i.indisunique AND NOT i.indisprimary)
			ORDER BY size_bytes DESC, s.schemaname, s.indexrelname
			LIMIT 50
			""";

	/**
	 * Reads the usage.
	 * @param connection a connection to the database
	 * @return the usage
	 * @throws SQLException if the server cannot answer
	 */
	static IndexUsage read(Connection connection) throws SQLException {
		return new IndexUsage(read(connection, true), read(connection, false), List.of(), List.of());
	}

	/**
	 * The indexes a server scanned, to judge a primary's unused ones by.
	 * @param connection a connection to a read replica
	 * @return {@code schema.index} of each index scanned at least once
	 * @throws SQLException if the server cannot answer
	 */
	static Set<String> scanned(Connection connection) throws SQLException {
		Set<String> scanned = new HashSet<>();
		try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(SCANNED)) {
			while (rows.next()) {
				scanned.add(rows.getString(1) + "." + rows.getString(2));
			}
		}
		return scanned;
	}

	/**
	 * This server's usage with the replicas' scans taken into account.
	 * @param scannedOnReplicas what {@link #scanned(Connection)} read on each replica
	 * @param notRead the replica pools whose scans could not be read
	 * @return the usage, with indexes a replica scanned moved from unused to used on replicas
	 */
	IndexUsage withReplicas(Set<String> scannedOnReplicas, List<String> notRead) {
		List<Index> unused = new ArrayList<>();
		List<Index> onReplicas = new ArrayList<>();
		for (Index index : this.unused) {
			(scannedOnReplicas.contains(index.schema() + "." + index.name()) ? onReplicas : unused).add(index);
		}
		return new IndexUsage(this.largest, unused, onReplicas, notRead);
	}

	private static List<Index> read(Connection connection, boolean all) throws SQLException {
		List<Index> indexes = new ArrayList<>();
		try (PreparedStatement statement = connection.prepareStatement(QUERY)) {
			statement.setBoolean(1, all);
			try (ResultSet rows = statement.executeQuery()) {
				while (rows.next()) {
					indexes.add(new Index(rows.getString("schemaname"), rows.getString("relname"),
							rows.getString("indexrelname"), rows.getLong("idx_scan"), rows.getLong("idx_tup_read"),
							rows.getLong("idx_tup_fetch"), rows.getLong("size_bytes")));
				}
			}
		}
		return indexes;
	}

	/**
	 * One index and its counters.
	 *
	 * @param schema the schema
	 * @param table the indexed table
	 * @param name the index
	 * @param scans index scans started
	 * @param tuplesRead index entries returned by scans
	 * @param tuplesFetched live table rows fetched by simple index scans
	 * @param sizeBytes size on disk
	 */
	public record Index(String schema, String table, String name, long scans, long tuplesRead, long tuplesFetched,
			long sizeBytes) {

	}

}
