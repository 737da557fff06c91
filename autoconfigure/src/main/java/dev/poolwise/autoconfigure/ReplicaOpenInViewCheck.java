package dev.poolwise.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.core.env.Environment;
import org.springframework.orm.jpa.support.OpenEntityManagerInViewFilter;
import org.springframework.orm.jpa.support.OpenEntityManagerInViewInterceptor;

import dev.poolwise.replica.ReplicaSets;
import dev.poolwise.validation.Violations;

/**
 * Fails startup when read replicas are configured in an application that keeps one entity manager, and so
 * one connection, for the whole web request (open-in-view, on by default in a Spring Boot web application):
 * the request's first transaction would decide where every later one runs, so reads after a write would stay
 * on the primary and a write after a read would be refused on the replica connection. Found at runtime it
 * is a misrouting counter and refused requests; found here it is one sentence naming the fix.
 */
final class ReplicaOpenInViewCheck implements SmartInitializingSingleton {

	private static final String OPEN_IN_VIEW = "spring.jpa.open-in-view";

	private final ReplicaSets replicaSets;

	private final ListableBeanFactory beanFactory;

	private final Environment environment;

	ReplicaOpenInViewCheck(ReplicaSets replicaSets, ListableBeanFactory beanFactory, Environment environment) {
		this.replicaSets = replicaSets;
		this.beanFactory = beanFactory;
		this.environment = environment;
	}

	@Override
	public void afterSingletonsInstantiated() {
		if (this.replicaSets.all().isEmpty()) {
			return;
		}
		List<String> holders = new ArrayList<>();
		holders.addAll(List.of(this.beanFactory.getBeanNamesForType(OpenEntityManagerInViewInterceptor.class, true,
				false)));
		holders.addAll(List.of(this.beanFactory.getBeanNamesForType(OpenEntityManagerInViewFilter.class, true,
				false)));
		if (holders.isEmpty()) {
			return;
		}
		String value = this.environment.getProperty(OPEN_IN_VIEW);
		Violations violations = new Violations();
		violations.add(OPEN_IN_VIEW, (value != null) ? value : "true (Spring Boot's default in a web application)",
				"with " + ReplicaPropertySources.REPLICAS + ".url set, open-in-view (bean " + String.join(", ", holders)
						+ ") holds one connection for the whole request, so the request's first transaction decides "
						+ "where all of them run: read-only ones after a write stay on the primary, and a write after "
						+ "a read-only one is refused on the replica connection (SQLSTATE 25006)",
				"Set " + OPEN_IN_VIEW + "=false and load what the views need inside @Transactional methods, or "
						+ "remove " + ReplicaPropertySources.REPLICAS + ".* to read from the primary only.");
		violations.throwIfAny();
	}

}
