package dev.poolwise.replica;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

import org.postgresql.Driver;

/**
 * Splits a pgjdbc URL that names several hosts ({@code jdbc:postgresql://a:5432,b:5432/app?ssl=true}) into
 * one URL per host, each with the same database and parameters, named by its host, or by host and port when
 * the URL names a host more than once.
 */
public final class ReplicaUrls {

	private static final String PREFIX = "jdbc:postgresql://";

	private ReplicaUrls() {
	}

	/**
	 * The URL of each replica, by name, in URL order.
	 * @param url a {@code jdbc:postgresql://} URL naming one or more hosts
	 * @return the URLs by replica name
	 * @throws IllegalArgumentException if the URL names no host, or a replica's URL is not one pgjdbc takes
	 */
	public static Map<String, String> split(String url) {
		if (!url.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
			throw new IllegalArgumentException("it does not name its hosts as jdbc:postgresql://host:port/database");
		}
		String rest = url.substring(PREFIX.length());
		if (rest.toLowerCase(Locale.ROOT).contains("jdbc:")) {
			throw new IllegalArgumentException("it holds more than one URL; several replicas are several hosts of one URL");
		}
		int end = firstOf(rest, '/', '?');
		String hosts = rest.substring(0, end);
		String tail = rest.substring(end);
		List<String[]> parsed = new ArrayList<>();
		for (String host : hosts.split(",")) {
			if (host.isBlank()) {
				throw new IllegalArgumentException("it names an empty host");
			}
			parsed.add(hostAndPort(host.trim()));
		}
		Map<String, String> urls = new LinkedHashMap<>();
		for (String[] host : parsed) {
			boolean repeated = parsed.stream().filter((other) -> other[0].equals(host[0])).count() > 1;
			String name = repeated ? host[0] + "-" + host[1] : host[0];
			String replica = PREFIX + host[0] + ":" + host[1] + tail;
			if (Driver.parseURL(replica, new Properties()) == null) {
				throw new IllegalArgumentException("pgjdbc does not accept the URL it gives for " + host[0] + ":" + host[1]);
			}
			if (urls.put(name, replica) != null) {
				throw new IllegalArgumentException("it names " + host[0] + ":" + host[1] + " twice");
			}
		}
		return urls;
	}

	private static String[] hostAndPort(String host) {
		int close = host.lastIndexOf(']');
		int colon = host.lastIndexOf(':');
		if (colon > close && (close >= 0 || host.indexOf(':') == colon)) {
			return new String[] { host.substring(0, colon), host.substring(colon + 1) };
		}
		return new String[] { host, "5432" };
	}

	private static int firstOf(String text, char first, char second) {
		int a = text.indexOf(first);
		int b = text.indexOf(second);
		if (a < 0) {
			return (b < 0) ? text.length() : b;
		}
		return (b < 0) ? a : Math.min(a, b);
	}

}
