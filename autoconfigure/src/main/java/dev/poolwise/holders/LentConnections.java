package dev.poolwise.holders;

import java.lang.reflect.Field;
import java.lang.reflect.InaccessibleObjectException;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;

import com.zaxxer.hikari.HikariPoolMXBean;

/**
 * The connections a running pool has lent out, read from Hikari's connection bag (its internals, read
 * reflectively; none when a Hikari version moves them). Read only when a report is made, never on a borrow.
 */
public final class LentConnections {

	private static final int STATE_IN_USE = 1;

	private LentConnections() {
	}

	/**
	 * Reads the lent connections.
	 * @param pool the running pool
	 * @return each lent connection, in no particular order; empty when the bag cannot be read
	 */
	public static List<Lent> of(HikariPoolMXBean pool) {
		try {
			Object bag = field(pool, "connectionBag");
			List<?> inUse = (List<?>) bag.getClass().getMethod("values", int.class).invoke(bag, STATE_IN_USE);
			List<Lent> lent = new ArrayList<>();
			for (Object entry : inUse) {
				long borrowed = (long) field(entry, "lastBorrowed");
				long since = (borrowed != 0) ? borrowed : (long) field(entry, "lastAccessed");
				lent.add(new Lent((Connection) field(entry, "connection"), since, borrowed != 0));
			}
			return lent;
		}
		catch (ReflectiveOperationException | InaccessibleObjectException | ClassCastException
				| NullPointerException ex) {
			return List.of();
		}
	}

	private static Object field(Object target, String name) throws ReflectiveOperationException {
		Field field = target.getClass().getDeclaredField(name);
		field.setAccessible(true);
		return field.get(target);
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

}
