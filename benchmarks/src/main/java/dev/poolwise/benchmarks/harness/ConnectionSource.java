package dev.poolwise.benchmarks.harness;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Where an operation gets its connection: a pool, or the driver directly.
 */
@FunctionalInterface
public interface ConnectionSource {

	Connection get() throws SQLException;

}
