package dev.poolwise.autoconfigure;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;

import dev.poolwise.autosize.AutosizeControls;
import dev.poolwise.tuned.TunedPool;
import dev.poolwise.tuned.TunedPools;
import dev.poolwise.validation.Violations;

/**
 * Fails startup when a pool asks for autosizing and no controller runs: the controllers are set up with the
 * Micrometer registry their meters go to, and without one the pool would stay fixed in silence.
 */
class AutosizeCheck implements SmartInitializingSingleton {

	private final TunedPools pools;

	private final ObjectProvider<AutosizeControls> controls;

	AutosizeCheck(TunedPools pools, ObjectProvider<AutosizeControls> controls) {
		this.pools = pools;
		this.controls = controls;
	}

	@Override
	public void afterSingletonsInstantiated() {
		if (this.controls.getIfAvailable() != null) {
			return;
		}
		Violations violations = new Violations();
		for (TunedPool pool : this.pools.all()) {
			if (pool.settings().autosize().enabled()) {
				violations.add("db.pool.autosize.enabled", "true (pool '" + pool.beanName() + "')",
						"the autosize controller publishes its meters in a Micrometer MeterRegistry, "
								+ "and this application has none",
						"Add spring-boot-starter-actuator (or a MeterRegistry bean), or remove db.pool.autosize.enabled.");
			}
		}
		violations.throwIfAny();
	}

}
