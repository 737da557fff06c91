package dev.poolwise.autoconfigure;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.ApplicationContext;

import dev.poolwise.pool.PoolSettings;
import dev.poolwise.tls.PoolTls;
import dev.poolwise.tls.TlsRotation;
import dev.poolwise.tuned.TunedPool;
import dev.poolwise.tuning.PropertyKeys;
import dev.poolwise.validation.Violations;

/**
 * Which Spring Boot SSL bundle a pool's TLS comes from ({@code ssl.bundle}), checked before the pool
 * connects: the bundle must exist and, unless only encryption is asked for, hold trust material, because a
 * bundle without it would silently verify the server against the JDK's public CAs. The {@link SslBundles}
 * bean is looked up when a pool is tuned, as credentials providers are.
 */
final class TlsBundles {

	private final ApplicationContext applicationContext;

	TlsBundles(ApplicationContext applicationContext) {
		this.applicationContext = applicationContext;
	}

	/**
	 * The pool's TLS, or why it cannot have it.
	 * @param ssl the pool's {@code ssl} settings
	 * @param beanName its bean name
	 * @param sources its property sources, to name the keys in messages
	 * @param violations where an unknown or unusable bundle is recorded
	 * @return the TLS, or null without a bundle or with a violation
	 */
	@Nullable PoolTls resolve(PoolSettings.Ssl ssl, String beanName, PropertyKeys sources,
			Violations violations) {
		String name = ssl.bundle();
		if (name == null) {
			return null;
		}
		String key = sources.suggested("ssl.bundle");
		SslBundles bundles = this.applicationContext.getBeanProvider(SslBundles.class).getIfAvailable();
		if (bundles == null) {
			violations.add(key, name, "there is no SslBundles bean, so no SSL bundle can be found",
					"Let Spring Boot's SslAutoConfiguration run (it does in a Spring Boot application) and define "
							+ "spring.ssl.bundle.pem." + name + ", or remove " + key + ".");
			return null;
		}
		List<String> names = bundles.getBundleNames();
		if (!names.contains(name)) {
			violations.add(key, name, "no SSL bundle is named '" + name + "' (bundles: "
					+ (names.isEmpty() ? "none" : String.join(", ", names)) + ")",
					"Name one of those bundles, or define spring.ssl.bundle.pem." + name
							+ ".truststore.certificate (or spring.ssl.bundle.jks." + name + ".truststore.location).");
			return null;
		}
		SslBundle bundle = bundles.getBundle(name);
		if (ssl.mode().verifiesChain() && bundle.getStores().getTrustStore() == null) {
			violations.add(key, name, "SSL bundle '" + name + "' has no trust material, so the server's certificate "
					+ "cannot be verified against it",
					"Add the CA certificate that issued the server's certificate as spring.ssl.bundle.pem." + name
							+ ".truststore.certificate, or set " + sources.suggested("ssl.mode")
							+ "=require to encrypt without verifying the server.");
			return null;
		}
		return new PoolTls(beanName, name, ssl.mode(), () -> bundles.getBundle(name));
	}

	/**
	 * Replaces the pool's connections gradually whenever its bundle is reloaded ({@code reload-on-update}).
	 * @param pool the tuned pool
	 */
	void watch(TunedPool pool) {
		PoolTls tls = pool.tls();
		TlsRotation rotation = pool.rotation();
		if (tls == null || rotation == null) {
			return;
		}
		SslBundles bundles = this.applicationContext.getBean(SslBundles.class);
		bundles.addBundleUpdateHandler(tls.bundleName(), (updated) -> rotation.rotated());
	}

}
