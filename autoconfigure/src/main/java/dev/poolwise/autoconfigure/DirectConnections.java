package dev.poolwise.autoconfigure;

import java.util.Properties;

import com.zaxxer.hikari.HikariDataSource;

/**
 * Driver properties for a physical connection that goes around a pool: same server, same user, same
 * pgjdbc settings. The session {@code options} are left out, so a refused setting cannot keep the
 * connection from opening; whoever needs them checks them on purpose.
 */
public final class DirectConnections {

	private DirectConnections() {
	}

	/**
	 * Properties for {@code org.postgresql.Driver#connect(dataSource.getJdbcUrl(), properties)}.
	 * @param dataSource the pool whose settings to copy
	 * @return a new, modifiable copy holding the credentials; never log it
	 */
	public static Properties properties(HikariDataSource dataSource) {
		Properties properties = new Properties();
		properties.putAll(dataSource.getDataSourceProperties());
		properties.remove("options");
		if (dataSource.getUsername() != null) {
			properties.setProperty("user", dataSource.getUsername());
		}
		if (dataSource.getPassword() != null) {
			properties.setProperty("password", dataSource.getPassword());
		}
		return properties;
	}

}
