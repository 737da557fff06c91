package dev.poolwise.tls;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
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
 * connection asks for {@link #socketFactory()}, which serves the material in use: the bundle's as it was at
 * startup, then as it was at the latest reload that {@link TlsRotation} accepted. A reloaded bundle is not
 * trusted on its word: Spring Boot reads PEM files lazily, so a file cut short or overwritten is accepted as
 * a reload and fails only when a connection needs it. The reload becomes a candidate ({@link #prepare()}),
 * which only a test connection sees ({@link #canaryId()}), and replaces the material in use only once that
 * connection logged in ({@link #accept()}); otherwise the previous material stays.
 */
public final class PoolTls {

	private static final String CANARY = "|canary";

	private final String poolName;

	private final String bundleName;

	private final String bundleKey;

	private final TlsMode mode;

	private final Supplier<SslBundle> bundle;

	private final AtomicReference<@Nullable Material> material = new AtomicReference<>();

	private volatile @Nullable Material candidate;

	private volatile @Nullable Material previous;

	private final AtomicLong generation = new AtomicLong();

	private final AtomicReference<@Nullable Handshake> presented = new AtomicReference<>();

	private final AtomicReference<@Nullable Handshake> trusted = new AtomicReference<>();

	private volatile @Nullable Handshake trustedBefore;

	private final String id;

	/**
	 * Creates a pool's TLS and registers it for the pool's connections to find.
	 * @param poolName the pool's bean name
	 * @param bundleName the SSL bundle's name
	 * @param bundleKey the bundle's properties, e.g. {@code spring.ssl.bundle.pem.orders-db}, for messages
	 * @param mode what is verified
	 * @param bundle the bundle as it is now
	 */
	public PoolTls(String poolName, String bundleName, String bundleKey, TlsMode mode, Supplier<SslBundle> bundle) {
		this.poolName = poolName;
		this.bundleName = bundleName;
		this.bundleKey = bundleKey;
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

	/**
	 * The {@code sslfactoryarg} of a test connection with the candidate material of {@link #prepare()}.
	 * @return the registry id of the candidate
	 */
	public String canaryId() {
		return this.id + CANARY;
	}

	static boolean isCanary(String id) {
		return id.endsWith(CANARY);
	}

	static String poolId(String id) {
		return isCanary(id) ? id.substring(0, id.length() - CANARY.length()) : id;
	}

	public String poolName() {
		return this.poolName;
	}

	public String bundleName() {
		return this.bundleName;
	}

	/**
	 * The bundle's properties, as users write them.
	 * @return e.g. {@code spring.ssl.bundle.pem.orders-db}
	 */
	public String bundleKey() {
		return this.bundleKey;
	}

	public TlsMode mode() {
		return this.mode;
	}

	/**
	 * How many times the material in use changed: a side connection opened under an older generation holds
	 * a session made with material the pool no longer uses.
	 * @return the generation, 0 until the first accepted reload
	 */
	public long generation() {
		return this.generation.get();
	}

	/**
	 * The socket factory for a new connection, from the material in use, built from the bundle at the first
	 * connection.
	 * @return the factory
	 * @throws GeneralSecurityException if the bundle's material cannot make an SSL context
	 */
	SSLSocketFactory socketFactory() throws GeneralSecurityException {
		Material current = this.material.get();
		if (current == null) {
			Material built = build(this.bundle.get());
			current = this.material.compareAndSet(null, built) ? built : Objects.requireNonNull(this.material.get());
		}
		return current.factory();
	}

	/**
	 * The socket factory of the test connection: the candidate's.
	 * @return the factory
	 * @throws GeneralSecurityException when there is no candidate
	 */
	SSLSocketFactory canaryFactory() throws GeneralSecurityException {
		Material current = this.candidate;
		if (current == null) {
			throw new GeneralSecurityException("SSL bundle '" + this.bundleName + "' has no material under test");
		}
		return current.factory();
	}

	/**
	 * Makes the bundle's material as it is now the candidate that {@link #canaryId()} connections use.
	 * @throws GeneralSecurityException if it cannot make an SSL context: a file cut short, not PEM, a key that
	 * does not match its certificate
	 */
	public void prepare() throws GeneralSecurityException {
		this.candidate = null;
		this.candidate = build(this.bundle.get());
	}

	/**
	 * Puts the candidate in use for new connections, keeping the material it replaces for {@link #revert()}.
	 * @return whether the client certificate changed; when only the trust material did, the sessions open
	 * were verified already
	 */
	public boolean accept() {
		Material accepted = Objects.requireNonNull(this.candidate, "no candidate");
		this.candidate = null;
		Material replaced = this.material.getAndSet(accepted);
		this.previous = replaced;
		this.generation.incrementAndGet();
		return replaced == null || !Objects.equals(clientX509(replaced.bundle()), clientX509(accepted.bundle()));
	}

	/**
	 * Puts the material that the latest {@link #accept()} replaced back in use: connections with the new one
	 * failed.
	 */
	public void revert() {
		Material replaced = this.previous;
		if (replaced != null) {
			this.material.set(replaced);
			this.previous = null;
			this.generation.incrementAndGet();
		}
	}

	private Material build(SslBundle current) throws GeneralSecurityException {
		try {
			SSLContext context = SSLContext.getInstance(current.getProtocol());
			KeyManager[] keyManagers = current.getManagers().getKeyManagers();
			X509TrustManager delegate = this.mode.verifiesChain() ? x509(current.getManagers().getTrustManagers())
					: null;
			context.init(keyManagers, new TrustManager[] { new RecordingTrustManager(delegate, new Recorder()) },
					null);
			return new Material(current, context.getSocketFactory());
		}
		catch (RuntimeException ex) {
			throw new GeneralSecurityException(reason(ex), ex);
		}
	}

	/**
	 * The innermost message of a failure to read a bundle, where Spring Boot says what is wrong with the file.
	 */
	private static String reason(Throwable ex) {
		StringBuilder reason = new StringBuilder(String.valueOf(ex.getMessage()));
		for (Throwable cause = ex.getCause(); cause != null && cause != ex; cause = cause.getCause()) {
			String message = cause.getMessage();
			if (message != null && !reason.toString().contains(message)) {
				reason.append(": ").append(message);
			}
		}
		return reason.toString();
	}

	/**
	 * The ciphers and protocols the bundle restricts connections to.
	 * @param canary whether for the test connection
	 * @return the options of the material in use or under test
	 */
	SslOptions options(boolean canary) {
		Material current = canary ? this.candidate : this.material.get();
		return (current != null) ? current.bundle().getOptions() : this.bundle.get().getOptions();
	}

	/**
	 * The server's certificate in the latest handshake of any of the pool's connections whose chain the
	 * trust material accepted: never one the pool rejected.
	 * @return the certificate, or null before the first handshake
	 */
	public @Nullable CertificateInfo serverCertificate() {
		Handshake handshake = this.trusted.get();
		return (handshake != null) ? handshake.certificate() : null;
	}

	/**
	 * The server's certificate in the latest handshake, trusted or not: what a failure is explained by.
	 * @return the certificate, or null before the first handshake
	 */
	public @Nullable CertificateInfo presentedCertificate() {
		Handshake handshake = this.presented.get();
		return (handshake != null) ? handshake.certificate() : null;
	}

	/**
	 * Forgets a server certificate that passed the chain check but was rejected afterwards (its host name),
	 * so that health does not show it as the server's.
	 * @param certificate the rejected certificate
	 */
	void rejected(CertificateInfo certificate) {
		Handshake handshake = this.trusted.get();
		if (handshake != null && handshake.certificate().equals(certificate)) {
			this.trusted.compareAndSet(handshake, this.trustedBefore);
		}
	}

	/**
	 * The TLS protocol of the latest trusted handshake.
	 * @return e.g. {@code TLSv1.3}, or null before the first handshake
	 */
	public @Nullable String protocol() {
		Handshake handshake = this.trusted.get();
		return (handshake != null) ? handshake.protocol() : null;
	}

	/**
	 * The client certificate of the material in use.
	 * @return the certificate, or null when the bundle has no key material
	 */
	public @Nullable CertificateInfo clientCertificate() {
		Material current = this.material.get();
		X509Certificate certificate = clientX509((current != null) ? current.bundle() : this.bundle.get());
		return (certificate != null) ? CertificateInfo.of(certificate) : null;
	}

	/**
	 * The client certificate of the material under test.
	 * @return the certificate, or null without a candidate or key material
	 */
	@Nullable CertificateInfo candidateClientCertificate() {
		Material current = this.candidate;
		X509Certificate certificate = (current != null) ? clientX509(current.bundle()) : null;
		return (certificate != null) ? CertificateInfo.of(certificate) : null;
	}

	private static @Nullable X509Certificate clientX509(SslBundle bundle) {
		try {
			KeyStore keyStore = bundle.getStores().getKeyStore();
			if (keyStore == null) {
				return null;
			}
			String alias = bundle.getKey().getAlias();
			for (String name : (alias != null) ? List.of(alias) : Collections.list(keyStore.aliases())) {
				Certificate certificate = keyStore.isKeyEntry(name) ? keyStore.getCertificate(name) : null;
				if (certificate instanceof X509Certificate x509) {
					return x509;
				}
			}
			return null;
		}
		catch (KeyStoreException | RuntimeException ex) {
			return null;
		}
	}

	/**
	 * Stops the pool's connections from finding this TLS: its pool is closed.
	 */
	public void close() {
		TlsRegistry.deregister(this.id);
	}

	private static @Nullable X509TrustManager x509(TrustManager[] managers) {
		for (TrustManager manager : managers) {
			if (manager instanceof X509TrustManager x509) {
				return x509;
			}
		}
		return null;
	}

	private final class Recorder implements RecordingTrustManager.Recorder {

		@Override
		public void presented(X509Certificate[] chain, @Nullable String protocol) {
			if (chain.length > 0) {
				PoolTls.this.presented.set(new Handshake(CertificateInfo.of(chain[0]), protocol));
			}
		}

		@Override
		public void trusted(X509Certificate[] chain, @Nullable String protocol) {
			if (chain.length > 0) {
				Handshake handshake = new Handshake(CertificateInfo.of(chain[0]), protocol);
				Handshake before = PoolTls.this.trusted.getAndSet(handshake);
				if (before != null && !before.certificate().equals(handshake.certificate())) {
					PoolTls.this.trustedBefore = before;
				}
			}
		}

	}

	private record Material(SslBundle bundle, SSLSocketFactory factory) {

	}

	private record Handshake(CertificateInfo certificate, @Nullable String protocol) {

	}

}
