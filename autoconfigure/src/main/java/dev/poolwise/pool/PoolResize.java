package dev.poolwise.pool;

import java.lang.reflect.Field;
import java.lang.reflect.InaccessibleObjectException;
import java.lang.reflect.Method;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariConfigMXBean;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;

/**
 * The one way a running pool's bounds change, for a resize through the endpoint and the autosize controller
 * alike: through Hikari's configuration MXBean, which the live pool reads. Hikari opens connections up to a
 * raised maximum on demand, but keeps connections above a lowered one until they idle out, so the surplus is
 * closed here: idle connections at once, lent ones when they come back.
 */
public final class PoolResize {

	/** Hikari's state of a lent connection in its bag. */
	private static final int STATE_IN_USE = 1;

	/** Longest a retirement waits for the idle connection it saw, should a caller take it first. */
	private static final long IDLE_WAIT_MILLIS = 5;

	private PoolResize() {
	}

	/**
	 * Sets size (minimumIdle) and maximum; Hikari keeps minimumIdle at most maximumPoolSize, so the bound
	 * that makes room changes first.
	 * @param pool the pool
	 * @param size permanent connections
	 * @param max size + overflow
	 */
	public static void apply(HikariDataSource pool, int size, int max) {
		HikariConfigMXBean config = pool.getHikariConfigMXBean();
		if (max >= config.getMaximumPoolSize()) {
			config.setMaximumPoolSize(max);
			config.setMinimumIdle(size);
		}
		else {
			config.setMinimumIdle(size);
			config.setMaximumPoolSize(max);
			retireSurplus(pool, Duration.ZERO);
		}
	}

	/**
	 * Moves the working maximum only, the size staying.
	 * @param pool the pool
	 * @param max the new maximum, at least the size
	 */
	public static void maximum(HikariDataSource pool, int max) {
		pool.getHikariConfigMXBean().setMaximumPoolSize(max);
		retireSurplus(pool, Duration.ZERO);
	}

	/**
	 * Closes connections above the maximum one at a time, so the connections still needed stay open: each
	 * is borrowed, idle or as the next caller returns it, and evicted at once. Under load no connection sits
	 * idle, so a borrow may wait its turn among the callers, for at most {@code patience} in all; what is still
	 * above the maximum then is lent, and as many lent connections are marked to close when they come back
	 * instead of serving again, as Hikari's soft eviction does (through its internals; where a Hikari version
	 * moved them, they are retired on a later call).
	 * @param pool the pool
	 * @param patience longest all borrows together may wait, zero to take idle connections only
	 * @return how many were closed
	 */
	public static int retireSurplus(HikariDataSource pool, Duration patience) {
		if (!(pool.getHikariPoolMXBean() instanceof HikariPool hikari)) {
			return 0;
		}
		long deadline = System.nanoTime() + patience.toNanos();
		int retired = 0;
		while (hikari.getTotalConnections() > pool.getMaximumPoolSize()) {
			long wait = (hikari.getIdleConnections() > 0) ? IDLE_WAIT_MILLIS
					: TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
			if (wait <= 0) {
				break;
			}
			try {
				pool.evictConnection(hikari.getConnection(wait));
				retired++;
			}
			catch (SQLException ex) {
				// a caller took the idle one first, or none came back in time: try again while patience lasts
				if (System.nanoTime() - deadline >= 0) {
					break;
				}
			}
		}
		int surplus = hikari.getTotalConnections() - pool.getMaximumPoolSize();
		if (surplus > 0) {
			evictOnReturn(hikari, surplus);
		}
		return retired;
	}

	/**
	 * Marks lent connections to be closed when they come back: Hikari closes a marked connection on its next
	 * borrow and hands the caller another.
	 */
	private static void evictOnReturn(HikariPool hikari, int surplus) {
		try {
			Object bag = field(hikari, "connectionBag");
			List<?> lent = (List<?>) bag.getClass().getMethod("values", int.class).invoke(bag, STATE_IN_USE);
			int left = surplus;
			for (Object entry : lent) {
				if (left <= 0) {
					return;
				}
				if (!(boolean) method(entry, "isMarkedEvicted").invoke(entry)) {
					method(entry, "markEvicted").invoke(entry);
				}
				left--;
			}
		}
		catch (ReflectiveOperationException | InaccessibleObjectException | ClassCastException
				| NullPointerException ex) {
			// retired on a later call, by borrowing
		}
	}

	private static Object field(Object target, String name) throws ReflectiveOperationException {
		Field field = target.getClass().getDeclaredField(name);
		field.setAccessible(true);
		return field.get(target);
	}

	private static Method method(Object target, String name) throws ReflectiveOperationException {
		Method method = target.getClass().getDeclaredMethod(name);
		method.setAccessible(true);
		return method;
	}
}
