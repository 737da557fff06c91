package dev.poolwise.tuned;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

import com.zaxxer.hikari.HikariDataSource;
import org.jspecify.annotations.Nullable;

/**
 * The Hikari pools of one application context: every one found, and the ones Poolwise tuned, by bean
 * name. Health, metrics and the endpoint read it instead of rediscovering DataSources, so they cover
 * exactly the tuned pools.
 */
public final class TunedPools {

	private final Map<String, TunedPool> pools = new ConcurrentSkipListMap<>();

	private final Set<String> found = ConcurrentHashMap.newKeySet();

	/**
	 * Records a Hikari pool that was found, whether or not it is tuned.
	 * @param beanName the DataSource bean name
	 */
	public void found(String beanName) {
		this.found.add(beanName);
	}

	/**
	 * Records a tuned pool.
	 * @param pool the pool
	 */
	public void add(TunedPool pool) {
		this.found.add(pool.beanName());
		this.pools.put(pool.beanName(), pool);
	}

	/**
	 * Names of every Hikari pool found so far, tuned or not.
	 * @return the bean names
	 */
	public Set<String> foundNames() {
		return Set.copyOf(this.found);
	}

	/**
	 * Tuned pools in bean-name order.
	 * @return the pools
	 */
	public Collection<TunedPool> all() {
		return List.copyOf(this.pools.values());
	}

	/**
	 * Whether a pool was tuned already, under whichever bean name: an application's wrapper bean around a
	 * pool bean leads to the same pool a second time.
	 * @param dataSource the pool
	 * @return true if tuned
	 */
	public boolean isTuned(HikariDataSource dataSource) {
		return this.pools.values().stream().anyMatch((pool) -> pool.dataSource() == dataSource);
	}

	/**
	 * The pool of one DataSource bean.
	 * @param beanName the bean name
	 * @return the pool, or null if that bean was not tuned
	 */
	public @Nullable TunedPool get(String beanName) {
		return this.pools.get(beanName);
	}

}
