package dev.poolwise.tls;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslOptions;

import dev.poolwise.pool.TlsMode;

/**
 * One pool's TLS: the SSL bundle it takes its material from, the mode, and the certificates seen. Every new
 * connection asks for {@link #socketFactory()}, which follows the bundle as it is now, so a reloaded bundle
 * applies to the next connection without a restart; the SSL context is rebuilt only when the bundle changed.
 */
public final class PoolTls {

	private final String poolName;

	private final String bundleName;

	private final TlsMode mode;

	private final Supplier<SslBundle> bundle;

	private final AtomicReference<@Nullable Material> material = new AtomicReference<>();

	private final AtomicReference<@Nullable Handshake> lastHandshake = new AtomicReference<>();

	private final String id;

	/**
	 * Creates a pool's TLS and registers it for the pool's connections to find.
	 * @param poolName the pool's bean name
	 * @param bundleName the SSL bundle's name
	 * @param mode what is verified
	 * @param bundle the bundle as it is now, asked on every new connection
	 */
	public PoolTls(String poolName, String bundleName, TlsMode mode, Supplier<SslBundle> bundle) {
		this.poolName = poolName;
		this.bundleName = bundleName;
		this.mode = mode;
		this.bundle = bundle;
		this.id = TlsRegistry.register(this);
	}

	/**
	 * The {@code sslfactoryarg} that leads {@link BundleSslSocketFactory} to this pool.
	 * @return the registry id
	 */
	public String id() {
		return this.id;
	}

	public String poolName() {
		return this.poolName;
	}

	public String bundleName() {
		return this.bundleName;
	}

	public TlsMode mode() {
		return this.mode;
	}

	/**
	 * The socket factory for a new connection, from the bundle's current material.
	 * @return the factory
	 * @throws GeneralSecurityException if the bundle's material cannot make an SSL context
	 */
	SSLSocketFactory socketFactory() throws GeneralSecurityException {
		SslBundle current = this.bundle.get();
		Material cached = this.material.get();
		if (cached != null && cached.bundle() == current) {
			return cached.factory();
		}
		SSLContext context = SSLContext.getInstance(current.getProtocol());
		KeyManager[] keyManagers = current.getManagers().getKeyManagers();
		X509TrustManager delegate = this.mode.verifiesChain() ? x509(current.getManagers().getTrustManagers())
				: null;
		context.init(keyManagers, new TrustManager[] { new RecordingTrustManager(delegate, this::seen) }, null);
		Material built = new Material(current, context.getSocketFactory());
		this.material.set(built);
		return built.factory();
	}

	/**
	 * The ciphers and protocols the bundle restricts connections to.
	 * @return the bundle's options
	 */
	SslOptions options() {
		return this.bundle.get().getOptions();
	}

	/**
	 * The server's certificate in the latest handshake of any of the pool's connections.
	 * @return the certificate, or null before the first handshake
	 */
	public @Nullable CertificateInfo serverCertificate() {
		Handshake handshake = this.lastHandshake.get();
		return (handshake != null) ? handshake.certificate() : null;
	}

	/**
	 * The TLS protocol of the latest handshake.
	 * @return e.g. {@code TLSv1.3}, or null before the first handshake
	 */
	public @Nullable String protocol() {
		Handshake handshake = this.lastHandshake.get();
		return (handshake != null) ? handshake.protocol() : null;
	}

	/**
	 * The client certificate the bundle presents now.
	 * @return the certificate, or null when the bundle has no key material
	 */
	public @Nullable CertificateInfo clientCertificate() {
		SslBundle current = this.bundle.get();
		KeyStore keyStore = current.getStores().getKeyStore();
		if (keyStore == null) {
			return null;
		}
		try {
			String alias = current.getKey().getAlias();
			for (String name : (alias != null) ? List.of(alias) : Collections.list(keyStore.aliases())) {
				Certificate certificate = keyStore.isKeyEntry(name) ? keyStore.getCertificate(name) : null;
				if (certificate instanceof X509Certificate x509) {
					return CertificateInfo.of(x509);
				}
			}
			return null;
		}
		catch (KeyStoreException ex) {
			return null;
		}
	}

	/**
	 * Stops the pool's connections from finding this TLS: its pool is closed.
	 */
	public void close() {
		TlsRegistry.deregister(this.id);
	}

	private void seen(X509Certificate[] chain, @Nullable String protocol) {
		if (chain.length > 0) {
			this.lastHandshake.set(new Handshake(CertificateInfo.of(chain[0]), protocol));
		}
	}

	private static @Nullable X509TrustManager x509(TrustManager[] managers) {
		for (TrustManager manager : managers) {
			if (manager instanceof X509TrustManager x509) {
				return x509;
			}
		}
		return null;
	}

	private record Material(SslBundle bundle, SSLSocketFactory factory) {

	}

	private record Handshake(CertificateInfo certificate, @Nullable String protocol) {

	}

}
