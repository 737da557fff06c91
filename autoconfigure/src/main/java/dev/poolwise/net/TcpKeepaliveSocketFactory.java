package dev.poolwise.net;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketOption;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.net.SocketFactory;

import jdk.net.ExtendedSocketOptions;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Socket factory that pgjdbc instantiates by class name (its {@code socketFactory} property) and that
 * sets TCP keepalive timing per socket. pgjdbc's own {@code tcpKeepAlive} is only a switch, leaving the
 * kernel's default of two hours before a dead server is noticed; with the defaults here it takes
 * {@code idle + interval × count}, about two minutes.
 */
public class TcpKeepaliveSocketFactory extends SocketFactory {

	private static final Log logger = LogFactory.getLog(TcpKeepaliveSocketFactory.class);

	/**
	 * Whether missing platform support was logged. pgjdbc creates a factory per connection and the
	 * platform does not change, so once per JVM is enough.
	 */
	private static final AtomicBoolean unsupportedReported = new AtomicBoolean();

	private final int idleSeconds;

	private final int intervalSeconds;

	private final int count;

	/**
	 * Called by pgjdbc with the {@code socketFactoryArg} property.
	 * @param argument {@code idleSeconds,intervalSeconds,count}, as written by {@link #argument}
	 */
	public TcpKeepaliveSocketFactory(String argument) {
		String[] parts = argument.split(",");
		if (parts.length != 3) {
			throw new IllegalArgumentException("Expected 'idle,interval,count' in seconds but got '" + argument + "'");
		}
		this.idleSeconds = Integer.parseInt(parts[0].trim());
		this.intervalSeconds = Integer.parseInt(parts[1].trim());
		this.count = Integer.parseInt(parts[2].trim());
	}

	/**
	 * The {@code socketFactoryArg} value for the given timing.
	 * @param idleSeconds seconds idle before the first probe
	 * @param intervalSeconds seconds between probes
	 * @param count unanswered probes before the connection is dropped
	 * @return the argument string
	 */
	public static String argument(long idleSeconds, long intervalSeconds, int count) {
		return idleSeconds + "," + intervalSeconds + "," + count;
	}

	@Override
	public Socket createSocket() throws IOException {
		return configure(new Socket());
	}

	@Override
	public Socket createSocket(String host, int port) throws IOException, UnknownHostException {
		return configure(new Socket(host, port));
	}

	@Override
	public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
		return configure(new Socket(host, port, localHost, localPort));
	}

	@Override
	public Socket createSocket(InetAddress host, int port) throws IOException {
		return configure(new Socket(host, port));
	}

	@Override
	public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
			throws IOException {
		return configure(new Socket(address, port, localAddress, localPort));
	}

	private Socket configure(Socket socket) throws IOException {
		socket.setKeepAlive(true);
		List<String> unsupported = new ArrayList<>();
		try {
			set(socket, ExtendedSocketOptions.TCP_KEEPIDLE, this.idleSeconds, unsupported);
			set(socket, ExtendedSocketOptions.TCP_KEEPINTERVAL, this.intervalSeconds, unsupported);
			set(socket, ExtendedSocketOptions.TCP_KEEPCOUNT, this.count, unsupported);
		}
		catch (IOException ex) {
			socket.close();
			throw ex;
		}
		if (!unsupported.isEmpty() && unsupportedReported.compareAndSet(false, true)) {
			logger.warn("This platform does not support the per-socket TCP keepalive option(s) "
					+ String.join(", ", unsupported) + "; the operating system's defaults apply instead of "
					+ "db.pool.tcp-keepalive.idle/interval/count, so a dead server may be noticed much later");
		}
		return socket;
	}

	/**
	 * Sets one option where the platform has it. Platforms without per-socket timing (older Windows, some
	 * JDK builds) keep the keepalive switch and the operating system's timing.
	 */
	private static void set(Socket socket, SocketOption<Integer> option, int value, List<String> unsupported)
			throws IOException {
		try {
			socket.setOption(option, value);
		}
		catch (UnsupportedOperationException ex) {
			unsupported.add(option.name());
		}
	}

}
