package dev.poolwise.tls;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.util.Properties;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.ssl.SslOptions;

/**
 * The {@code sslfactory} pgjdbc instantiates for each new connection of a pool with an SSL bundle. pgjdbc
 * first opens the plain socket through its {@code socketFactory} (Poolwise's TCP keepalive one, with the
 * connect timeout) and then wraps it here, so TLS sits on top of everything set per socket. The SSL context
 * is the pool's material in use, found through the id in {@code sslfactoryarg}; the host name is checked by
 * pgjdbc afterwards when {@code sslmode=verify-full}.
 */
public class BundleSslSocketFactory extends SSLSocketFactory {

	private final String id;

	private final @Nullable PoolTls tls;

	private final boolean canary;

	/**
	 * Called by pgjdbc, which tries a constructor taking the connection's properties first.
	 * @param info the connection's driver properties; {@code sslfactoryarg} holds the id, that of a test
	 * connection with a reloaded bundle's material ({@link PoolTls#canaryId()}) when it is one
	 */
	public BundleSslSocketFactory(Properties info) {
		this.id = String.valueOf(info.getProperty("sslfactoryarg"));
		this.canary = PoolTls.isCanary(this.id);
		this.tls = TlsRegistry.find(PoolTls.poolId(this.id));
	}

	@Override
	public Socket createSocket(Socket socket, String host, int port, boolean autoClose) throws IOException {
		return configure(factory().createSocket(socket, host, port, autoClose));
	}

	@Override
	public Socket createSocket(String host, int port) throws IOException {
		return configure(factory().createSocket(host, port));
	}

	@Override
	public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
		return configure(factory().createSocket(host, port, localHost, localPort));
	}

	@Override
	public Socket createSocket(InetAddress host, int port) throws IOException {
		return configure(factory().createSocket(host, port));
	}

	@Override
	public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
			throws IOException {
		return configure(factory().createSocket(address, port, localAddress, localPort));
	}

	@Override
	public String[] getDefaultCipherSuites() {
		return defaultFactory().getDefaultCipherSuites();
	}

	@Override
	public String[] getSupportedCipherSuites() {
		return defaultFactory().getSupportedCipherSuites();
	}

	private static SSLSocketFactory defaultFactory() {
		return (SSLSocketFactory) SSLSocketFactory.getDefault();
	}

	private SSLSocketFactory factory() throws IOException {
		if (this.tls == null) {
			throw new SSLException("No Poolwise TLS is registered as '" + this.id + "': its pool was closed");
		}
		try {
			return this.canary ? this.tls.canaryFactory() : this.tls.socketFactory();
		}
		catch (GeneralSecurityException ex) {
			throw new SSLException("SSL bundle '" + this.tls.bundleName() + "' (" + this.tls.bundleKey()
					+ ") cannot make an SSL context: " + ex.getMessage(), ex);
		}
	}

	private Socket configure(Socket socket) {
		if (this.tls != null && socket instanceof SSLSocket ssl) {
			SslOptions options = this.tls.options(this.canary);
			if (options.getCiphers() != null) {
				ssl.setEnabledCipherSuites(options.getCiphers());
			}
			if (options.getEnabledProtocols() != null) {
				ssl.setEnabledProtocols(options.getEnabledProtocols());
			}
		}
		return socket;
	}

}
