package dev.poolwise.autoconfigure;

import java.beans.PropertyDescriptor;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;


import org.springframework.beans.BeanUtils;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName.Form;

/**
 * The keys Poolwise declares, read from the properties classes themselves so the list cannot fall behind
 * them: for telling a typo's nearest known key, and which keys are durations.
 */
final class PoolKeys {

	private static final String PREFIX = "db.pool.";

	private static final ConfigurationPropertyName PREFIX_NAME = ConfigurationPropertyName.of("db.pool");

	private static final String DATASOURCES = "datasources";

	private static final String REPLICAS = "replicas";

	private static final String HOSTS = "hosts";

	private static final Map<String, Class<?>> APPLICATION = keys(PoolwiseProperties.class, "");

	private static final Map<String, Class<?>> POOL = keys(PoolProperties.class, "");

	private PoolKeys() {
	}

	/**
	 * Every key of one pool and of the application, relative to {@code db.pool}, with its type.
	 * @return e.g. {@code timeout -> Duration}, {@code session.statement-timeout -> Duration}
	 */
	static Map<String, Class<?>> all() {
		return APPLICATION;
	}

	/**
	 * The keys of one pool, relative to the level they are written at ({@code db.pool},
	 * {@code db.pool.datasources.<bean>}, {@code db.pool.replicas}, {@code db.pool.replicas.hosts.<name>}).
	 * @return e.g. {@code size -> int}, {@code ssl.mode -> TlsMode}
	 */
	static Map<String, Class<?>> pool() {
		return POOL;
	}

	/**
	 * The declared keys nearest to one nobody declares: one or two letters off for short keys, a few more for
	 * long ones, or else the keys with the same last part in another group ({@code statement-timeout} for
	 * {@code session.statement-timeout}), a pool's own keys first. Under {@code datasources.<bean>} and
	 * {@code replicas.hosts.<name>} the pool keys there come first.
	 * @param unknown a key under {@code db.pool} that nothing bound
	 * @return the nearest keys in full ({@code db.pool...}), empty when none is near
	 */
	static List<String> nearest(ConfigurationPropertyName unknown) {
		if (!PREFIX_NAME.isAncestorOf(unknown)) {
			return List.of();
		}
		if (unknown.getNumberOfElements() > 4 && unknown.getElement(2, Form.UNIFORM).equals(DATASOURCES)) {
			String own = PREFIX + DATASOURCES + "." + unknown.getElement(3, Form.ORIGINAL) + ".";
			return nearest(join(unknown, 4), POOL).stream().map((key) -> own + key).toList();
		}
		if (unknown.getNumberOfElements() > 5 && unknown.getElement(2, Form.UNIFORM).equals(REPLICAS)
				&& unknown.getElement(3, Form.UNIFORM).equals(HOSTS)) {
			String own = PREFIX + REPLICAS + "." + HOSTS + "[" + unknown.getElement(4, Form.ORIGINAL) + "].";
			List<String> pool = nearest(join(unknown, 5), POOL).stream().map((key) -> own + key).toList();
			if (!pool.isEmpty()) {
				return pool;
			}
		}
		return nearest(join(unknown, 2), APPLICATION).stream().map((key) -> PREFIX + key).toList();
	}

	/**
	 * A key as the user wrote it, where the binder's name would be lower-cased, a map key in brackets.
	 * @param name the key
	 * @return e.g. {@code db.pool.idleTimout}, {@code db.pool.replicas.hosts[127.0.0.1].lazyStart}
	 */
	static String written(ConfigurationPropertyName name) {
		StringBuilder written = new StringBuilder();
		for (int i = 0; i < name.getNumberOfElements(); i++) {
			String element = name.getElement(i, Form.ORIGINAL);
			boolean indexed = name.chop(i + 1).isLastElementIndexed();
			written.append(indexed ? "[" + element + "]" : ((i > 0) ? "." : "") + element);
		}
		return written.toString();
	}

	private static String join(ConfigurationPropertyName name, int from) {
		StringBuilder joined = new StringBuilder();
		for (int i = from; i < name.getNumberOfElements(); i++) {
			joined.append((i > from) ? "." : "").append(name.getElement(i, Form.DASHED));
		}
		return joined.toString();
	}

	private static List<String> nearest(String unknown, Map<String, Class<?>> known) {
		String squashed = squash(unknown);
		String best = null;
		int bestDistance = Math.max(2, squashed.length() / 4) + 1;
		for (String key : known.keySet()) {
			int distance = distance(squashed, squash(key));
			if (distance < bestDistance) {
				best = key;
				bestDistance = distance;
			}
		}
		if (best != null) {
			return List.of(best);
		}
		String last = squash(unknown.substring(unknown.lastIndexOf('.') + 1));
		return known.keySet()
			.stream()
			.filter((key) -> squash(key.substring(key.lastIndexOf('.') + 1)).equals(last))
			.sorted(Comparator.comparing((String key) -> !POOL.containsKey(key)))
			.toList();
	}

	/**
	 * Relaxed binding ignores dashes and case, so they are not differences.
	 */
	private static String squash(String key) {
		return key.replace("-", "").replace("_", "").toLowerCase(Locale.ROOT);
	}

	private static int distance(String a, String b) {
		int[] previous = new int[b.length() + 1];
		int[] current = new int[b.length() + 1];
		for (int j = 0; j <= b.length(); j++) {
			previous[j] = j;
		}
		for (int i = 1; i <= a.length(); i++) {
			current[0] = i;
			for (int j = 1; j <= b.length(); j++) {
				int substitution = previous[j - 1] + ((a.charAt(i - 1) == b.charAt(j - 1)) ? 0 : 1);
				current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
			}
			int[] swap = previous;
			previous = current;
			current = swap;
		}
		return previous[b.length()];
	}

	private static Map<String, Class<?>> keys(Class<?> type, String prefix) {
		Map<String, Class<?>> keys = new LinkedHashMap<>();
		for (PropertyDescriptor property : BeanUtils.getPropertyDescriptors(type)) {
			if (property.getReadMethod() == null || property.getName().equals("class")
					|| property.getName().equals(DATASOURCES)) {
				continue;
			}
			String key = prefix + dashed(property.getName());
			Class<?> propertyType = property.getPropertyType();
			if (propertyType.getName().startsWith(PoolProperties.class.getPackageName() + ".")) {
				keys.putAll(keys(propertyType, key + "."));
			}
			else {
				keys.put(key, propertyType);
			}
		}
		return keys;
	}

	private static String dashed(String camel) {
		return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
	}

}
