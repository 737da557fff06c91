package dev.poolwise.replica;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The replica sets of one application context, by the primary's DataSource bean name, as
 * {@link dev.poolwise.tuned.TunedPools} holds the pools: health, the meters and the endpoint read them here.
 * Closing it, with the context, stops the monitors and closes the replica pools; Spring closes the primary
 * pool itself, since it destroys the bean it created rather than the routing wrapper.
 */
public final class ReplicaSets implements AutoCloseable {

	private final Map<String, ReplicaSet> sets = new ConcurrentSkipListMap<>();

	/**
	 * Records a replica set.
	 * @param set the set
	 */
	public void add(ReplicaSet set) {
		this.sets.put(set.pool(), set);
	}

	/**
	 * Every replica set, in bean-name order.
	 * @return the sets
	 */
	public Collection<ReplicaSet> all() {
		return List.copyOf(this.sets.values());
	}

	@Override
	public void close() {
		this.sets.values().forEach(ReplicaSet::close);
		this.sets.clear();
	}

}
