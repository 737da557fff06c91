package dev.poolwise.autoconfigure.endpoint;

import java.util.HashSet;
import java.util.Set;

import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of the {@code dbpool} endpoint, named and behaving like Spring Boot's {@code env} endpoint.
 */
@ConfigurationProperties("management.endpoint.dbpool")
public class DbPoolEndpointProperties {

	/**
	 * When to show query texts, which may carry values.
	 */
	private Show showValues = Show.NEVER;

	/**
	 * Roles used to determine whether a user is authorized to see query texts. When empty, all
	 * authenticated users are authorized.
	 */
	private final Set<String> roles = new HashSet<>();

	public Show getShowValues() {
		return this.showValues;
	}

	public void setShowValues(Show showValues) {
		this.showValues = showValues;
	}

	public Set<String> getRoles() {
		return this.roles;
	}

}
