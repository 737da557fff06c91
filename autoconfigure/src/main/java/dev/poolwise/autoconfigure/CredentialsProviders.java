package dev.poolwise.autoconfigure;

import java.util.List;

import com.zaxxer.hikari.HikariCredentialsProvider;
import com.zaxxer.hikari.HikariDataSource;
import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationContext;

import dev.poolwise.tuning.PropertyKeys;
import dev.poolwise.validation.Violations;

/**
 * Which {@link HikariCredentialsProvider} bean a pool logs in with: the one its
 * {@code credentials-provider} key names, else the only one there is. Beans are looked up when a pool is
 * tuned, not when the post-processor is created, so they are created in the usual order. A pool that
 * already has a provider of its own keeps it unless a key names another. Spring Boot 4.1 does not hand
 * such a bean to its Hikari pool, so without this a rotating secret would never reach it.
 */
final class CredentialsProviders {

	private final ApplicationContext applicationContext;

	CredentialsProviders(ApplicationContext applicationContext) {
		this.applicationContext = applicationContext;
	}

	/**
	 * Sets the pool's provider before it starts, or records why it cannot.
	 * @param dataSource the unstarted pool
	 * @param beanName its bean name
	 * @param named the bean name its {@code credentials-provider} key gives, or null
	 * @param sources its property sources, to name the key in messages
	 * @param violations where an unknown or ambiguous choice is recorded
	 */
	void apply(HikariDataSource dataSource, String beanName, @Nullable String named, PropertyKeys sources,
			Violations violations) {
		List<String> names = List.of(this.applicationContext.getBeanNamesForType(HikariCredentialsProvider.class));
		if (named != null) {
			if (!names.contains(named)) {
				violations.add(sources.suggested("credentials-provider"), named,
						"no HikariCredentialsProvider bean is named '" + named + "' (beans of that type: "
								+ describe(names) + ")",
						"Name one of the HikariCredentialsProvider beans, or define a bean named '" + named + "'.");
				return;
			}
			dataSource.setCredentialsProvider(provider(named));
			return;
		}
		if (dataSource.getCredentialsProvider() != null || names.isEmpty()) {
			return;
		}
		if (names.size() > 1) {
			String key = sources.suggested("credentials-provider");
			violations.add(key, "(not set)", "pool '" + beanName + "' could log in with any of " + names.size()
					+ " HikariCredentialsProvider beans (" + describe(names) + ") and none is named for it",
					"Set " + key + " to one of " + describe(names) + ".");
			return;
		}
		dataSource.setCredentialsProvider(provider(names.get(0)));
	}

	private HikariCredentialsProvider provider(String name) {
		return this.applicationContext.getBean(name, HikariCredentialsProvider.class);
	}

	private static String describe(List<String> names) {
		return names.isEmpty() ? "none" : String.join(", ", names);
	}

}
