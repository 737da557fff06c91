package dev.poolwise.test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.postgresql.Driver;

/**
 * A TCP proxy on the loopback interface between a pool and PostgreSQL whose network can be broken at run
 * time: added latency, a blackhole, resets, closed connections and refused connects. Modelled on pgjdbc's
 * test-suite {@code StrangeProxyServer}. Each direction of each connection has a reader and a writer
 * thread, so a delayed or stalled connection never holds up another one.
 */
public final class FaultProxy implements AutoCloseable {

	private final String targetHost;

	private volatile int targetPort;

	private final String jdbcUrl;

	private final int port;

	private final Set<Link> links = ConcurrentHashMap.newKeySet();

	private final AtomicInteger accepted = new AtomicInteger();

	private final AtomicInteger linkIds = new AtomicInteger();

	private final AtomicLong sentWhileBlackholed = new AtomicLong();

	private volatile long toServerNanos;

	private volatile long toClientNanos;

	private volatile boolean blackholed;

	private boolean refusing;

	private boolean closed;

	private ServerSocket listener;

	private FaultProxy(String targetHost, int targetPort, String jdbcUrl) {
		this.targetHost = targetHost;
		this.targetPort = targetPort;
		this.listener = listen(0);
		this.port = this.listener.getLocalPort();
		this.jdbcUrl = jdbcUrl.replaceFirst("//[^/]+/", "//127.0.0.1:" + this.port + "/");
		start("accept", this::acceptLoop);
	}

	/**
	 * Starts a proxy in pass-through mode in front of the server a JDBC URL points at.
	 * @param serverJdbcUrl a {@code jdbc:postgresql://host:port/db} URL
	 * @return the running proxy
	 */
	public static FaultProxy inFrontOf(String serverJdbcUrl) {
		Properties url = Driver.parseURL(serverJdbcUrl, new Properties());
		return new FaultProxy(url.getProperty("PGHOST"), Integer.parseInt(url.getProperty("PGPORT")), serverJdbcUrl);
	}

	/**
	 * The server's JDBC URL with host and port replaced by the proxy's.
	 * @return a URL that connects through the proxy
	 */
	public String jdbcUrl() {
		return this.jdbcUrl;
	}

	public int port() {
		return this.port;
	}

	/**
	 * TCP connections the proxy accepted since it started, whatever became of them.
	 * @return the count
	 */
	public int acceptedConnections() {
		return this.accepted.get();
	}

	/**
	 * Bytes clients sent towards the server while a blackhole held them, which tells a test that a
	 * client has started to wait for an answer that cannot come.
	 * @return the count since the proxy started
	 */
	public long bytesSentWhileBlackholed() {
		return this.sentWhileBlackholed.get();
	}

	/**
	 * Forwards every byte as soon as it arrives and accepts new connections: the healthy network. Bytes
	 * held by a blackhole are delivered now.
	 */
	public synchronized void passThrough() {
		this.toServerNanos = 0;
		this.toClientNanos = 0;
		this.blackholed = false;
		if (this.refusing && !this.closed) {
			this.listener = listen(this.port);
			this.refusing = false;
		}
		notifyAll();
	}

	/**
	 * Delays every byte, in each direction separately, keeping their order.
	 * @param toServer added delay from client to server
	 * @param toClient added delay from server to client
	 */
	public void latency(Duration toServer, Duration toClient) {
		this.toServerNanos = toServer.toNanos();
		this.toClientNanos = toClient.toNanos();
	}

	/**
	 * Stops forwarding in both directions on every connection, current and new, while sockets stay open,
	 * like a partitioned network: nothing arrives, nothing is refused, and what was sent is held until
	 * {@link #passThrough()}.
	 */
	public synchronized void blackhole() {
		this.blackholed = true;
	}

	/**
	 * Closes the listening socket, so new connects fail with "connection refused" as against a host where
	 * PostgreSQL is not running. Established connections are not touched.
	 */
	public synchronized void refuse() {
		this.refusing = true;
		closeQuietly(this.listener);
	}

	/**
	 * Sends new connections to another port of the target host, as a host name or a cloud endpoint moved
	 * to a new server; established connections stay on the old one.
	 * @param port the new target port
	 */
	public void retarget(int port) {
		this.targetPort = port;
	}

	/**
	 * Aborts every current connection with a TCP reset (RST) on both sides.
	 */
	public void resetConnections() {
		this.links.forEach((link) -> link.close(true));
	}

	/**
	 * Closes every current connection in an orderly way (FIN) on both sides.
	 */
	public void closeConnections() {
		this.links.forEach((link) -> link.close(false));
	}

	@Override
	public void close() {
		synchronized (this) {
			this.closed = true;
			this.blackholed = false;
			closeQuietly(this.listener);
			notifyAll();
		}
		closeConnections();
	}

	private void acceptLoop() {
		ServerSocket socket;
		while ((socket = awaitListener()) != null) {
			try {
				Socket client = socket.accept();
				this.accepted.incrementAndGet();
				link(client);
			}
			catch (IOException ex) {
				// The listener was closed by refuse() or close(); awaitListener() tells which.
			}
		}
	}

	private synchronized ServerSocket awaitListener() {
		while (this.refusing && !this.closed) {
			awaitChange();
		}
		return this.closed ? null : this.listener;
	}

	private void link(Socket client) {
		Socket server;
		try {
			server = new Socket(this.targetHost, this.targetPort);
		}
		catch (IOException ex) {
			closeQuietly(client);
			return;
		}
		Link link = new Link(this.linkIds.incrementAndGet(), client, server);
		this.links.add(link);
		link.pump("c2s", client, server, true);
		link.pump("s2c", server, client, false);
	}

	private synchronized void awaitOpen() {
		while (this.blackholed && !this.closed) {
			awaitChange();
		}
	}

	private void awaitChange() {
		try {
			wait();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting for the proxy mode to change", ex);
		}
	}

	private void start(String name, Runnable task) {
		Thread thread = new Thread(task, "fault-proxy-" + this.port + "-" + name);
		thread.setDaemon(true);
		thread.start();
	}

	private static ServerSocket listen(int port) {
		try {
			ServerSocket socket = new ServerSocket();
			socket.setReuseAddress(true);
			socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
			return socket;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not listen on 127.0.0.1:" + port, ex);
		}
	}

	private static void closeQuietly(AutoCloseable closeable) {
		try {
			closeable.close();
		}
		catch (Exception ex) {
			// Already broken, which is all a fault proxy needs.
		}
	}

	/**
	 * One proxied connection: a client socket and the proxy's own socket to the server.
	 */
	private final class Link {

		private final int id;

		private final Socket client;

		private final Socket server;

		Link(int id, Socket client, Socket server) {
			this.id = id;
			this.client = client;
			this.server = server;
		}

		void pump(String direction, Socket from, Socket to, boolean toServer) {
			DelayQueue<Chunk> queue = new DelayQueue<>();
			start(this.id + "-" + direction + "-read", () -> read(from, queue, toServer));
			start(this.id + "-" + direction + "-write", () -> write(queue, to));
		}

		private void read(Socket from, DelayQueue<Chunk> queue, boolean toServer) {
			long due = 0;
			byte[] buffer = new byte[8192];
			try (InputStream in = from.getInputStream()) {
				int read;
				while ((read = in.read(buffer)) >= 0) {
					if (toServer && FaultProxy.this.blackholed) {
						FaultProxy.this.sentWhileBlackholed.addAndGet(read);
					}
					long delay = toServer ? FaultProxy.this.toServerNanos : FaultProxy.this.toClientNanos;
					due = Math.max(System.nanoTime() + delay, due + 1);
					queue.add(new Chunk(Arrays.copyOf(buffer, read), due));
				}
			}
			catch (IOException ex) {
				// Closed or reset: the writer ends the link once what was read before is delivered.
			}
			queue.add(new Chunk(null, Math.max(System.nanoTime(), due + 1)));
		}

		private void write(DelayQueue<Chunk> queue, Socket to) {
			try (OutputStream out = to.getOutputStream()) {
				Chunk chunk;
				while ((chunk = queue.take()).bytes() != null) {
					awaitOpen();
					out.write(chunk.bytes());
					out.flush();
				}
			}
			catch (IOException ex) {
				// The other side is gone; closing the link below tells the reader.
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			close(false);
		}

		void close(boolean reset) {
			FaultProxy.this.links.remove(this);
			for (Socket socket : new Socket[] { this.client, this.server }) {
				if (reset) {
					try {
						socket.setSoLinger(true, 0);
					}
					catch (IOException ex) {
						// Already closed.
					}
				}
				closeQuietly(socket);
			}
		}

	}

	/**
	 * Bytes due for delivery at a point in {@link System#nanoTime()} time; no bytes marks the end.
	 */
	private record Chunk(byte[] bytes, long due) implements Delayed {

		@Override
		public long getDelay(TimeUnit unit) {
			return unit.convert(this.due - System.nanoTime(), TimeUnit.NANOSECONDS);
		}

		@Override
		public int compareTo(Delayed other) {
			return Long.compare(this.due, ((Chunk) other).due);
		}

	}

}
