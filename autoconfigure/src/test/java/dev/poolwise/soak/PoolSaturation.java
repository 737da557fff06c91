package dev.poolwise.soak;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import javax.sql.DataSource;

/**
 * More callers than connections, each holding its connection for the whole fault: the load's callers get
 * a connection or {@link java.sql.SQLTransientConnectionException} after {@code timeout}.
 */
final class PoolSaturation implements Fault {

	@Override
	public String name() {
		return "saturated pool";
	}

	@Override
	public Set<FailureClass> failures() {
		return EnumSet.of(FailureClass.POOL_TIMEOUT);
	}

	@Override
	public Duration bound() {
		return SoakSettings.TIMEOUT;
	}

	@Override
	public String inject(Random random, Testbed testbed) throws InterruptedException {
		Duration hold = Duration.ofMillis(1000 + random.nextInt(2001));
		long until = System.nanoTime() + hold.toNanos();
		List<Thread> holders = new ArrayList<>();
		for (int i = 0; i < SoakSettings.SIZE + 2; i++) {
			Thread holder = new Thread(() -> holdUntil(testbed.pool(), until), "soak-saturation-" + i);
			holders.add(holder);
			holder.start();
		}
		for (Thread holder : holders) {
			holder.join();
		}
		return (SoakSettings.SIZE + 2) + " holders for " + hold.toMillis() + " ms";
	}

	/**
	 * Borrows a connection and keeps it busy on the server until the fault ends, borrowing again if the
	 * pool timed out first.
	 */
	private static void holdUntil(DataSource pool, long until) {
		for (long left = until - System.nanoTime(); left > 0; left = until - System.nanoTime()) {
			try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
				statement.execute("SELECT pg_sleep(" + left / 1_000_000_000.0 + ")");
			}
			catch (SQLException ex) {
				// The pool had nothing within its timeout: the saturation this fault is for.
			}
		}
	}

}
