package dev.poolwise.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of the PostgreSQL pools under {@code db.pool}. Unknown keys fail binding, so a typo never
 * silently leaves a default in place.
 */
@ConfigurationProperties(prefix = "db.pool", ignoreUnknownFields = false)
public class PoolwiseProperties extends PoolProperties {

	/**
	 * Per-DataSource overrides of any db.pool key, by bean name.
	 */
	private Map<String, PoolProperties> datasources = new LinkedHashMap<>();

	public Map<String, PoolProperties> getDatasources() {
		return this.datasources;
	}

	public void setDatasources(Map<String, PoolProperties> datasources) {
		this.datasources = datasources;
	}

}
