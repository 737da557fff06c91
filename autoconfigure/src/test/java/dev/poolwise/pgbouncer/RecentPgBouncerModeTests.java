package dev.poolwise.pgbouncer;

import org.junit.jupiter.api.BeforeAll;
import org.opentest4j.TestAbortedException;

import dev.poolwise.test.PgBouncerServer;

/**
 * The PgBouncer-mode suite against PgBouncer 1.24.1 (built from Debian trixie's source by
 * {@code .ci/pgbouncer-1.24}), which routes prepared statements: its own {@code max_prepared_statements}
 * default, 200, in force.
 */
class RecentPgBouncerModeTests extends PgBouncerModeTests {

	/**
	 * Hides the superclass's start of Debian's 1.18; its stop runs as for that class.
	 */
	@BeforeAll
	static void startPgBouncer() {
		missing = null;
		try {
			pgbouncer = PgBouncerServer.startRecent(2);
		}
		catch (TestAbortedException ex) {
			missing = ex;
		}
	}

	@Override
	boolean routesPreparedStatements() {
		return true;
	}

}
