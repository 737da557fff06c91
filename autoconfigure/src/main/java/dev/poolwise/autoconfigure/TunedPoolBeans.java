package dev.poolwise.autoconfigure;

import java.util.Map;
import java.util.TreeMap;

import javax.sql.DataSource;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.SimpleAutowireCandidateResolver;

import dev.poolwise.tuned.TunedPool;
import dev.poolwise.tuned.TunedPools;

/**
 * The tuned pools of a context for a bean that is built once from them. Resolving the DataSource beans
 * first runs each through the post-processor that registers the pools it tunes, so the answer is complete
 * whatever order the beans are created in.
 */
public final class TunedPoolBeans {

	private TunedPoolBeans() {
	}

	/**
	 * Creates every DataSource bean that is an autowire candidate, then reads the registry.
	 * @param beanFactory the context's bean factory
	 * @param pools the registry
	 * @return the tuned pools by DataSource bean name, in name order
	 */
	public static Map<String, TunedPool> resolve(ConfigurableListableBeanFactory beanFactory, TunedPools pools) {
		Map<String, TunedPool> tuned = new TreeMap<>();
		SimpleAutowireCandidateResolver.resolveAutowireCandidates(beanFactory, DataSource.class, false, true)
			.keySet()
			.forEach((name) -> {
				TunedPool pool = pools.get(name);
				if (pool != null) {
					tuned.put(name, pool);
				}
			});
		return tuned;
	}

}
