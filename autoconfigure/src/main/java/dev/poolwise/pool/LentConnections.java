package dev.poolwise.pool;

import java.lang.reflect.AccessibleObject;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;

import com.zaxxer.hikari.HikariPoolMXBean;
import com.zaxxer.hikari.pool.HikariPool;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The connections a running pool has lent out, in Hikari's connection bag: who holds the pool reads them, a
 * lowered maximum marks them to close. Hikari does not expose the bag, so it is reached by reflection, looked
 * up once; where it cannot be (a Hikari version that moved it, or the module path without
 * {@code --add-opens}) there are none to read or mark, which is said once at WARN. A read that fails once (a
 * connection closed under it) fails that call only. Read only when a report or
 * a resize is made, never on a borrow.
 */
public final class LentConnections {

	private static final Log logger = LogFactory.getLog(LentConnections.class);

	/** Hikari's state of a lent connection in its bag. */
	private static final int STATE_IN_USE = 1;

	private static volatile @Nullable Handles handles;

	private static volatile boolean unreachable;

	private LentConnections() {
	}

	/**
	 * Reads the lent connections.
	 * @param pool the running pool
	 * @return each lent connection, in no particular order; empty when the bag cannot be reached
	 */
	public static List<Lent> of(HikariPoolMXBean pool) {
		Handles found = handles();
		if (found == null || !(pool instanceof HikariPool hikari)) {
			return List.of();
		}
		try {
			List<Lent> lent = new ArrayList<>();
			for (Object entry : found.lent(hikari)) {
				long borrowed = found.lastBorrowed().getLong(entry);
				long since = (borrowed != 0) ? borrowed : found.lastAccessed().getLong(entry);
				// closed since the bag was read (Hikari clears the field): no longer lent
				if (found.connection().get(entry) instanceof Connection connection) {
					lent.add(new Lent(connection, since, borrowed != 0));
				}
			}
			return lent;
		}
		catch (ReflectiveOperationException | RuntimeException ex) {
			// this read failed; the bag stays reachable for the next
			return List.of();
		}
	}

	/**
	 * Marks lent connections to be closed when they come back: Hikari closes a marked connection when it is
	 * returned, or on its next borrow, and hands the caller another. Connections already marked are not
	 * counted again.
	 * @param hikari the running pool
	 * @param count how many more to mark
	 * @return false if the bag cannot be reached
	 */
	static boolean markToClose(HikariPool hikari, int count) {
		Handles found = handles();
		if (found == null) {
			return false;
		}
		try {
			int left = count;
			for (Object entry : found.lent(hikari)) {
				if (left <= 0) {
					break;
				}
				if (!(boolean) found.isMarkedEvicted().invoke(entry)) {
					found.markEvicted().invoke(entry);
					left--;
				}
			}
			return true;
		}
		catch (ReflectiveOperationException | RuntimeException ex) {
			// this mark failed, and the caller retires the surplus another way; the next may succeed
			return false;
		}
	}

	/**
	 * Lent connections already marked to close.
	 * @param hikari the running pool
	 * @return how many; 0 when the bag cannot be reached
	 */
	static int markedToClose(HikariPool hikari) {
		Handles found = handles();
		if (found == null) {
			return 0;
		}
		try {
			int marked = 0;
			for (Object entry : found.lent(hikari)) {
				if ((boolean) found.isMarkedEvicted().invoke(entry)) {
					marked++;
				}
			}
			return marked;
		}
		catch (ReflectiveOperationException | RuntimeException ex) {
			return 0;
		}
	}

	private static @Nullable Handles handles() {
		Handles found = handles;
		if (found != null || unreachable) {
			return found;
		}
		try {
			Field bag = HikariPool.class.getDeclaredField("connectionBag");
			bag.setAccessible(true);
			Method values = bag.getType().getMethod("values", int.class);
			Class<?> entry = Class.forName("com.zaxxer.hikari.pool.PoolEntry");
			found = new Handles(bag, values, accessible(entry.getDeclaredField("connection")),
					accessible(entry.getDeclaredField("lastBorrowed")),
					accessible(entry.getDeclaredField("lastAccessed")),
					accessible(entry.getDeclaredMethod("isMarkedEvicted")),
					accessible(entry.getDeclaredMethod("markEvicted")));
			handles = found;
			return found;
		}
		catch (ReflectiveOperationException | RuntimeException ex) {
			unreachable(ex);
			return null;
		}
	}

	private static <T extends AccessibleObject> T accessible(T member) {
		member.setAccessible(true);
		return member;
	}

	private static void unreachable(Exception ex) {
		handles = null;
		if (!unreachable) {
			unreachable = true;
			logger.warn("Poolwise cannot reach HikariCP's connection bag (" + ex
					+ ((ex.getCause() != null) ? ", caused by " + ex.getCause() : "") + "), so reports of who holds "
					+ "the pool's connections show none lent, and connections lent above a lowered maximum are "
					+ "not marked to close when they come back; they are retired by borrowing them as they "
					+ "return, over a few autosize ticks or endpoint resizes. On the module path, --add-opens "
					+ "com.zaxxer.hikari/com.zaxxer.hikari.pool=ALL-UNNAMED lets Poolwise reach it.");
		}
	}

	/**
	 * One lent connection.
	 *
	 * @param connection the driver's physical connection
	 * @param since when it was lent, on Hikari's clock ({@code ClockSource.currentTime()}); when Hikari did
	 * not record the borrow (no metrics tracker), when it was last returned, which bounds it from above
	 * @param exact whether {@code since} is the borrow itself
	 */
	public record Lent(Connection connection, long since, boolean exact) {

	}

	private record Handles(Field bag, Method values, Field connection, Field lastBorrowed, Field lastAccessed,
			Method isMarkedEvicted, Method markEvicted) {

		List<?> lent(HikariPool hikari) throws ReflectiveOperationException {
			return (List<?>) this.values.invoke(this.bag.get(hikari), STATE_IN_USE);
		}

	}

}
