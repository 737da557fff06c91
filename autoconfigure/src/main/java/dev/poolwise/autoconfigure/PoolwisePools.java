package dev.poolwise.autoconfigure;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The pools Poolwise tuned in this application context, by bean name. Health, metrics and the endpoint
 * read it instead of rediscovering DataSources, so they cover exactly the tuned pools.
 */
public final class PoolwisePools {

	private final Map<String, TunedPool> pools = new ConcurrentSkipListMap<>();

	void add(TunedPool pool) {
		this.pools.put(pool.beanName(), pool);
	}

	/**
	 * Tuned pools in bean-name order.
	 * @return the pools
	 */
	public Collection<TunedPool> all() {
		return List.copyOf(this.pools.values());
	}

	/**
	 * The pool of one DataSource bean.
	 * @param beanName the bean name
	 * @return the pool, or null if that bean was not tuned
	 */
	public TunedPool get(String beanName) {
		return this.pools.get(beanName);
	}

}
