package dev.poolwise.tls;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

import org.jspecify.annotations.Nullable;

/**
 * Notes the server's chain and protocol of every handshake before the bundle's trust manager judges it, so
 * that a refused handshake can be explained by what the server sent (which names, which issuer, which
 * expiry) instead of a bare {@code SSLHandshakeException}, and once more when the trust manager accepted
 * it, so that health shows only a certificate that was trusted. Without a delegate ({@code require}) every
 * chain is accepted.
 */
final class RecordingTrustManager extends X509ExtendedTrustManager {

	private static final X509Certificate[] NONE = new X509Certificate[0];

	private final @Nullable X509TrustManager delegate;

	private final Recorder recorder;

	RecordingTrustManager(@Nullable X509TrustManager delegate, Recorder recorder) {
		this.delegate = delegate;
		this.recorder = recorder;
	}

	@Override
	public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
			throws CertificateException {
		String protocol = protocol((socket instanceof SSLSocket ssl) ? ssl.getHandshakeSession() : null);
		this.recorder.presented(chain, protocol);
		if (this.delegate instanceof X509ExtendedTrustManager extended) {
			extended.checkServerTrusted(chain, authType, socket);
		}
		else if (this.delegate != null) {
			this.delegate.checkServerTrusted(chain, authType);
		}
		this.recorder.trusted(chain, protocol);
	}

	@Override
	public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
			throws CertificateException {
		String protocol = protocol(engine.getHandshakeSession());
		this.recorder.presented(chain, protocol);
		if (this.delegate instanceof X509ExtendedTrustManager extended) {
			extended.checkServerTrusted(chain, authType, engine);
		}
		else if (this.delegate != null) {
			this.delegate.checkServerTrusted(chain, authType);
		}
		this.recorder.trusted(chain, protocol);
	}

	@Override
	public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
		this.recorder.presented(chain, null);
		if (this.delegate != null) {
			this.delegate.checkServerTrusted(chain, authType);
		}
		this.recorder.trusted(chain, null);
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

	private static @Nullable String protocol(@Nullable SSLSession session) {
		return (session != null) ? session.getProtocol() : null;
	}

	@Override
	public X509Certificate[] getAcceptedIssuers() {
		return (this.delegate != null) ? this.delegate.getAcceptedIssuers() : NONE;
	}

	/**
	 * Where the server's chains go: every one presented, and those the trust material accepted.
	 */
	interface Recorder {

		void presented(X509Certificate[] chain, @Nullable String protocol);

		void trusted(X509Certificate[] chain, @Nullable String protocol);

	}

}
