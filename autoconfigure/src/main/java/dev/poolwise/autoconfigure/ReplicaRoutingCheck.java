package dev.poolwise.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.core.env.Environment;
import org.springframework.transaction.jta.JtaTransactionManager;
import org.springframework.util.ClassUtils;

import dev.poolwise.validation.Violations;

/**
 * The checks of an application whose transactions would never be routed to read replicas, or would be
 * routed wrongly, made from the bean definitions while the DataSource is created, so they land in the same
 * report as every other problem of {@code db.pool.replicas} (a bad URL among them):
 * <ul>
 * <li>open-in-view (on by default in a Spring Boot JPA web application) keeps one entity manager, and so one
 * connection, for the whole web request: the request's first transaction would decide where every later one
 * runs, so reads after a write would stay on the primary and a write after a read would be refused on the
 * replica connection;</li>
 * <li>a Hibernate connection handling mode that releases the connection after each transaction or statement:
 * Spring's {@code HibernateJpaDialect} then never marks the connection read-only, so nothing is routed;</li>
 * <li>a JTA transaction manager, which marks no connection read-only either.</li>
 * </ul>
 * Found at runtime these are a misrouting counter, refused requests or a replica that serves nothing; found
 * here each is one sentence naming the fix.
 */
final class ReplicaRoutingCheck {

	private static final String OPEN_IN_VIEW = "spring.jpa.open-in-view";

	private static final String HANDLING_MODE = "spring.jpa.properties.hibernate.connection.handling_mode";

	private static final String[] OPEN_IN_VIEW_TYPES = {
			"org.springframework.orm.jpa.support.OpenEntityManagerInViewInterceptor",
			"org.springframework.orm.jpa.support.OpenEntityManagerInViewFilter" };

	private final ListableBeanFactory beanFactory;

	private final Environment environment;

	ReplicaRoutingCheck(ListableBeanFactory beanFactory, Environment environment) {
		this.beanFactory = beanFactory;
		this.environment = environment;
	}

	/**
	 * Adds what keeps the application's transactions from being routed.
	 * @param violations the report the replica keys' problems go to
	 */
	void check(Violations violations) {
		openInView(violations);
		handlingMode(violations);
		jta(violations);
	}

	private void openInView(Violations violations) {
		List<String> holders = new ArrayList<>();
		for (String type : OPEN_IN_VIEW_TYPES) {
			if (ClassUtils.isPresent(type, getClass().getClassLoader())) {
				holders.addAll(List.of(this.beanFactory.getBeanNamesForType(
						ClassUtils.resolveClassName(type, getClass().getClassLoader()), true, false)));
			}
		}
		if (holders.isEmpty()) {
			return;
		}
		String value = this.environment.getProperty(OPEN_IN_VIEW);
		violations.add(OPEN_IN_VIEW, (value != null) ? value : "true (Spring Boot's default in a web application)",
				"with " + ReplicaPropertySources.REPLICAS + ".url set, open-in-view (bean " + String.join(", ", holders)
						+ ") holds one connection for the whole request, so the request's first transaction decides "
						+ "where all of them run: read-only ones after a write stay on the primary, and a write after "
						+ "a read-only one is refused on the replica connection (SQLSTATE 25006)",
				"Set " + OPEN_IN_VIEW + "=false and load what the views need inside @Transactional methods, or "
						+ "remove " + ReplicaPropertySources.REPLICAS + ".* to read from the primary only.");
	}

	private void handlingMode(Violations violations) {
		String mode = this.environment.getProperty(HANDLING_MODE);
		if (mode == null || mode.toUpperCase(Locale.ROOT).endsWith("_AND_HOLD")) {
			return;
		}
		violations.add(HANDLING_MODE, mode,
				"with " + ReplicaPropertySources.REPLICAS + ".url set, a connection released after each transaction "
						+ "or statement is never marked read-only by Spring's HibernateJpaDialect (it does so only "
						+ "while the connection is held until the session closes), so no read-only transaction would "
						+ "be routed to a replica",
				"Remove " + HANDLING_MODE + " (Spring's default, DELAYED_ACQUISITION_AND_HOLD, routes), or remove "
						+ ReplicaPropertySources.REPLICAS + ".* to read from the primary only.");
	}

	private void jta(Violations violations) {
		String[] managers = this.beanFactory.getBeanNamesForType(JtaTransactionManager.class, true, false);
		if (managers.length == 0) {
			return;
		}
		violations.add(ReplicaPropertySources.REPLICAS + ".url", "(set)",
				"the transaction manager is JTA (bean " + String.join(", ", managers) + "), which marks no JDBC "
						+ "connection read-only, so no read-only transaction would be routed to a replica",
				"Use Spring's DataSourceTransactionManager or JpaTransactionManager for this DataSource, or remove "
						+ ReplicaPropertySources.REPLICAS + ".* to read from the primary only.");
	}

}
