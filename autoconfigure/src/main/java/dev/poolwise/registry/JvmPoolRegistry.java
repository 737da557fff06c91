package dev.poolwise.registry;

import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import com.zaxxer.hikari.HikariDataSource;

/**
 * Every live Poolwise pool in this JVM, whichever application context owns it. Connection limits are per
 * server, not per context: Spring's test-context cache, or a parent and child context, can each hold a
 * pool to the same database, and only a JVM-wide view can count them all. This is deliberately the one
 * piece of static state in Poolwise; pools leave it when their context closes them. A pool closed outside
 * its context ({@code dataSource.close()}) holds no connections either, so it is skipped wherever the
 * registry answers and dropped when the next pool registers.
 */
public final class JvmPoolRegistry {

	private static final JvmPoolRegistry INSTANCE = new JvmPoolRegistry();

	private final List<LivePool> pools = new CopyOnWriteArrayList<>();

	private final Set<PoolTarget> reportedTargets = ConcurrentHashMap.newKeySet();

	private final String instanceId = UUID.randomUUID().toString().replace("-", "");

	private JvmPoolRegistry() {
	}

	public static JvmPoolRegistry get() {
		return INSTANCE;
	}

	/**
	 * An id for this JVM, fixed for its lifetime, that tells its side connections from other instances'.
	 * @return 32 hexadecimal digits
	 */
	public String instanceId() {
		return this.instanceId;
	}

	/**
	 * Registers a pool. A second pool to a target is reported once per JVM: a test suite's cached contexts
	 * against one database make one pool each, which is normal and worth one line, not one per pair.
	 * @param pool the pool
	 * @return the pools already live for the same target, the first time this JVM sees a second pool to it;
	 * otherwise empty
	 */
	public List<LivePool> register(LivePool pool) {
		this.pools.removeIf(LivePool::isClosed);
		List<LivePool> duplicates = this.pools.stream()
			.filter((other) -> other.target().equals(pool.target()) && other.dataSource() != pool.dataSource())
			.toList();
		this.pools.add(pool);
		return (!duplicates.isEmpty() && this.reportedTargets.add(pool.target())) ? duplicates : List.of();
	}

	/**
	 * Removes a closed pool.
	 * @param dataSource the pool being closed
	 */
	public void deregister(HikariDataSource dataSource) {
		this.pools.removeIf((pool) -> pool.dataSource() == dataSource);
	}

	/**
	 * Live pools.
	 * @return every registered pool that is not closed
	 */
	public List<LivePool> all() {
		return this.pools.stream().filter((pool) -> !pool.isClosed()).toList();
	}

	/**
	 * Live pools connecting to one server, any database or user.
	 * @param server {@code host:port}
	 * @return the pools that are not closed
	 */
	public List<LivePool> onServer(String server) {
		return all().stream().filter((pool) -> pool.target().server().equals(server)).toList();
	}

	/**
	 * The other live pools on the server a pool connects to, which share its connection budget.
	 * @param dataSource the pool, registered or not
	 * @return the pools on its server, itself left out
	 */
	public List<LivePool> othersOnServerOf(HikariDataSource dataSource) {
		String server = PoolTarget.of(dataSource.getJdbcUrl(), null).server();
		return onServer(server).stream().filter((pool) -> pool.dataSource() != dataSource).toList();
	}


}
