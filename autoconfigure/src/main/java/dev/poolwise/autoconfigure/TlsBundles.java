package dev.poolwise.autoconfigure;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.autoconfigure.ssl.PemSslBundleProperties;
import org.springframework.boot.autoconfigure.ssl.SslProperties;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.ApplicationContext;

import dev.poolwise.pool.PoolSettings;
import dev.poolwise.tls.PemBlocks;
import dev.poolwise.tls.PoolTls;
import dev.poolwise.tls.TlsRotation;
import dev.poolwise.tuned.TunedPool;
import dev.poolwise.tuning.PropertyKeys;
import dev.poolwise.validation.Violations;

/**
 * Which Spring Boot SSL bundle a pool's TLS comes from ({@code ssl.bundle}), checked before the pool
 * connects: the bundle must exist and, unless only encryption is asked for, hold trust material, because a
 * bundle without it would silently verify the server against the JDK's public CAs, and its files must be
 * readable now: Spring Boot reads PEM files lazily, so an unparseable one would otherwise fail the first
 * connection with a stack trace that names no bundle. The {@link SslBundles} bean is looked up when a pool is
 * tuned, as credentials providers are.
 */
final class TlsBundles {

	private static final Log logger = LogFactory.getLog(TlsBundles.class);

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
		String bundleKey = bundleKey(name);
		boolean trusts;
		try {
			SslBundle bundle = bundles.getBundle(name);
			bundle.getStores().getKeyStore();
			trusts = bundle.getStores().getTrustStore() != null;
			bundle.getManagers().getTrustManagers();
		}
		catch (RuntimeException ex) {
			violations.add(key, name, "SSL bundle '" + name + "' cannot be read (" + bundleKey + "): " + reason(ex),
					"Fix the files that " + bundleKey + " names: each certificate whole, between -----BEGIN "
							+ "CERTIFICATE----- and -----END CERTIFICATE-----, and a private key that matches the "
							+ "certificate; or name another bundle in " + key + ".");
			return null;
		}
		if (ssl.mode().verifiesChain() && !trusts) {
			violations.add(key, name, "SSL bundle '" + name + "' has no trust material, so the server's certificate "
					+ "cannot be verified against it",
					"Add the CA certificate that issued the server's certificate as spring.ssl.bundle.pem." + name
							+ ".truststore.certificate, or set " + sources.suggested("ssl.mode")
							+ "=require to encrypt without verifying the server.");
			return null;
		}
		return new PoolTls(beanName, name, bundleKey, ssl.mode(), () -> bundles.getBundle(name));
	}

	/**
	 * The properties of a bundle as the user wrote them, {@code spring.ssl.bundle.pem.<name>} or
	 * {@code .jks.<name>}.
	 */
	private String bundleKey(String name) {
		SslProperties properties = this.applicationContext.getBeanProvider(SslProperties.class).getIfAvailable();
		if (properties != null && properties.getBundle().getJks().containsKey(name)) {
			return "spring.ssl.bundle.jks." + name;
		}
		return "spring.ssl.bundle.pem." + name;
	}

	private static String reason(Throwable ex) {
		StringBuilder reason = new StringBuilder(String.valueOf(ex.getMessage()));
		for (Throwable cause = ex.getCause(); cause != null; cause = cause.getCause()) {
			String message = cause.getMessage();
			if (message != null && !reason.toString().contains(message)) {
				reason.append(": ").append(message);
			}
		}
		return reason.toString();
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
		bundles.addBundleUpdateHandler(tls.bundleName(), (updated) -> {
			warnCutShort(tls);
			rotation.rotated();
		});
	}

	/**
	 * One WARN per PEM certificate file of the bundle that holds a block cut short, which Spring Boot skips
	 * without a word: the rest of the file still works, so the test connection of the rotation passes.
	 */
	private void warnCutShort(PoolTls tls) {
		SslProperties properties = this.applicationContext.getBeanProvider(SslProperties.class).getIfAvailable();
		PemSslBundleProperties pem = (properties != null) ? properties.getBundle().getPem().get(tls.bundleName())
				: null;
		if (pem == null) {
			return;
		}
		Map<String, @Nullable String> files = new LinkedHashMap<>();
		files.put(tls.bundleKey() + ".truststore.certificate", pem.getTruststore().getCertificate());
		files.put(tls.bundleKey() + ".keystore.certificate", pem.getKeystore().getCertificate());
		files.forEach((property, location) -> {
			if (location == null || location.contains("-----BEGIN")) {
				return;
			}
			try {
				String problem = PemBlocks
					.cutShort(this.applicationContext.getResource(location).getContentAsString(StandardCharsets.UTF_8));
				if (problem != null) {
					logger.warn("Pool '" + tls.poolName() + "': " + property + " " + problem + " (" + location
							+ "): only the whole ones are used, so the pool trusts or presents less than the file "
							+ "was meant to hold. Write the file complete, to a temporary name moved into place.");
				}
			}
			catch (IOException ex) {
				logger.debug("Could not read " + location + ": " + ex.getMessage());
			}
		});
	}

}
