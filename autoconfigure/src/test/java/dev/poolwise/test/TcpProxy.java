package dev.poolwise.test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A loopback TCP proxy in front of {@link PostgresServer} that a test can freeze: while frozen it still
 * accepts what clients send but answers nothing, as a server that hangs or a network that drops packets
 * would. Fault tests point a pool at it instead of breaking the shared server.
 */
public final class TcpProxy implements AutoCloseable {

	private static final Pattern HOST_AND_PORT = Pattern.compile("//([^/:?]+):(\\d+)/");

	private final ServerSocket listener;

	private final String targetHost;

	private final int targetPort;

	private final List<Socket> sockets = new CopyOnWriteArrayList<>();

	private final Object gate = new Object();

	private final AtomicLong bytesWhileFrozen = new AtomicLong();

	private boolean frozen;

	/**
	 * Starts a proxy to the shared server on a free loopback port.
	 */
	public TcpProxy() {
		Matcher url = HOST_AND_PORT.matcher(PostgresServer.jdbcUrl());
		if (!url.find()) {
			throw new IllegalStateException("No host and port in the server's URL");
		}
		this.targetHost = url.group(1);
		this.targetPort = Integer.parseInt(url.group(2));
		try {
			this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		daemon(this::accept, "tcp-proxy-accept");
	}

	/**
	 * The shared server's JDBC URL, through this proxy.
	 * @return the URL
	 */
	public String jdbcUrl() {
		return HOST_AND_PORT.matcher(PostgresServer.jdbcUrl())
			.replaceFirst("//127.0.0.1:" + this.listener.getLocalPort() + "/");
	}

	/**
	 * Stops forwarding in both directions; bytes clients send meanwhile are held back and counted.
	 */
	public void freeze() {
		synchronized (this.gate) {
			this.frozen = true;
		}
	}

	/**
	 * Forwards again, held bytes first.
	 */
	public void thaw() {
		synchronized (this.gate) {
			this.frozen = false;
			this.gate.notifyAll();
		}
	}

	/**
	 * Bytes clients sent towards the server while the proxy was frozen.
	 * @return the count
	 */
	public long bytesSentWhileFrozen() {
		return this.bytesWhileFrozen.get();
	}

	private void accept() {
		while (!this.listener.isClosed()) {
			try {
				Socket client = this.listener.accept();
				Socket server = new Socket(this.targetHost, this.targetPort);
				this.sockets.add(client);
				this.sockets.add(server);
				daemon(() -> pump(client, server, true), "tcp-proxy-up");
				daemon(() -> pump(server, client, false), "tcp-proxy-down");
			}
			catch (IOException ex) {
				return;
			}
		}
	}

	private void pump(Socket from, Socket to, boolean towardsServer) {
		byte[] buffer = new byte[8192];
		try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
			int read;
			while ((read = in.read(buffer)) >= 0) {
				awaitThaw(towardsServer, read);
				out.write(buffer, 0, read);
				out.flush();
			}
		}
		catch (IOException ex) {
			closeQuietly(from);
			closeQuietly(to);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private void awaitThaw(boolean towardsServer, int bytes) throws InterruptedException {
		synchronized (this.gate) {
			if (this.frozen && towardsServer) {
				this.bytesWhileFrozen.addAndGet(bytes);
			}
			while (this.frozen) {
				this.gate.wait();
			}
		}
	}

	private static void daemon(Runnable task, String name) {
		Thread thread = new Thread(task, name);
		thread.setDaemon(true);
		thread.start();
	}

	private static void closeQuietly(Socket socket) {
		try {
			socket.close();
		}
		catch (IOException ex) {
			// already closed by the other side
		}
	}

	@Override
	public void close() throws IOException {
		thaw();
		this.listener.close();
		for (Socket socket : this.sockets) {
			closeQuietly(socket);
		}
	}

}
