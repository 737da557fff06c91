package dev.poolwise.tls;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.function.BiConsumer;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

import org.jspecify.annotations.Nullable;

/**
 * Notes the server's chain and protocol of every handshake before the bundle's trust manager judges it, so
 * that health can show the certificate and a refused handshake can be explained by what the server sent
 * (which names, which issuer, which expiry) instead of a bare {@code SSLHandshakeException}. Without a
 * delegate ({@code require}) every chain is accepted.
 */
final class RecordingTrustManager extends X509ExtendedTrustManager {

	private static final X509Certificate[] NONE = new X509Certificate[0];

	private final @Nullable X509TrustManager delegate;

	private final BiConsumer<X509Certificate[], @Nullable String> seen;

	RecordingTrustManager(@Nullable X509TrustManager delegate, BiConsumer<X509Certificate[], @Nullable String> seen) {
		this.delegate = delegate;
		this.seen = seen;
	}

	@Override
	public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
			throws CertificateException {
		seen(chain, (socket instanceof SSLSocket ssl) ? ssl.getHandshakeSession() : null);
		if (this.delegate instanceof X509ExtendedTrustManager extended) {
			extended.checkServerTrusted(chain, authType, socket);
		}
		else if (this.delegate != null) {
			this.delegate.checkServerTrusted(chain, authType);
		}
	}

	@Override
	public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
			throws CertificateException {
		seen(chain, engine.getHandshakeSession());
		if (this.delegate instanceof X509ExtendedTrustManager extended) {
			extended.checkServerTrusted(chain, authType, engine);
		}
		else if (this.delegate != null) {
			this.delegate.checkServerTrusted(chain, authType);
		}
	}

	@Override
	public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
		this.seen.accept(chain, null);
		if (this.delegate != null) {
			this.delegate.checkServerTrusted(chain, authType);
		}
	}

	@Override
	public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
			throws CertificateException {
		checkClientTrusted(chain, authType);
	}

	@Override
	public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
			throws CertificateException {
		checkClientTrusted(chain, authType);
	}

	@Override
	public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
		throw new CertificateException("A PostgreSQL client does not verify clients");
	}

	private void seen(X509Certificate[] chain, @Nullable SSLSession session) {
		this.seen.accept(chain, (session != null) ? session.getProtocol() : null);
	}

	@Override
	public X509Certificate[] getAcceptedIssuers() {
		return (this.delegate != null) ? this.delegate.getAcceptedIssuers() : NONE;
	}

}
