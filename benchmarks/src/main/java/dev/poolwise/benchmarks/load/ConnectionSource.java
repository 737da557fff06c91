package dev.poolwise.benchmarks.load;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Where an operation gets its connection: a pool, or the driver directly.
 */
@FunctionalInterface
interface ConnectionSource {

	Connection get() throws SQLException;

}
