package dev.poolwise.session;

/**
 * A PostgreSQL setting applied to every new connection.
 *
 * @param name the server's name for it, e.g. {@code work_mem}
 * @param value the value exactly as configured
 * @param property the property it came from, for error messages
 */
public record SessionSetting(String name, String value, String property) {

	/**
	 * Whether this is a custom placeholder such as {@code myapp.tenant}, unknown to pg_settings until set.
	 * @return true for a dotted name
	 */
	public boolean isCustom() {
		return this.name.indexOf('.') >= 0;
	}

}
