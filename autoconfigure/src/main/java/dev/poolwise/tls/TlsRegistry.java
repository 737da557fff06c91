package dev.poolwise.tls;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

/**
 * Where {@link BundleSslSocketFactory} finds its pool's TLS. pgjdbc creates the factory from a class name
 * and hands it nothing but driver properties, which carry strings only; so the factory gets an id through
 * {@code sslfactoryarg} and looks it up here. This is the one piece of static mutable state the TLS support
 * needs: an entry per pool with a bundle, added when the pool is tuned and removed when its context closes
 * it. Ids are random, so a pool of another context (the test-context cache) never finds a foreign entry.
 */
final class TlsRegistry {

	private static final Map<String, PoolTls> BY_ID = new ConcurrentHashMap<>();

	private TlsRegistry() {
	}

	static String register(PoolTls tls) {
		String id = tls.poolName() + "-" + UUID.randomUUID();
		BY_ID.put(id, tls);
		return id;
	}

	static @Nullable PoolTls find(String id) {
		return BY_ID.get(id);
	}

	static void deregister(String id) {
		BY_ID.remove(id);
	}

}
