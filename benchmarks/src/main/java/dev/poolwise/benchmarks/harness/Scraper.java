package dev.poolwise.benchmarks.harness;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads {@code /actuator/prometheus} and {@code /actuator/health} once a second over HTTP, as a
 * Prometheus server and a load balancer would, for as long as the Poolwise application runs.
 */
public final class Scraper implements AutoCloseable {

	public static final String PROMETHEUS = "/actuator/prometheus";

	public static final String HEALTH = "/actuator/health";

	private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final String base;

	private final ScheduledExecutorService schedule = Executors.newSingleThreadScheduledExecutor((task) -> {
		Thread thread = new Thread(task, "bench-scraper");
		thread.setDaemon(true);
		return thread;
	});

	private final AtomicLong scrapes = new AtomicLong();

	private final AtomicLong failures = new AtomicLong();

	private volatile boolean active = true;

	public Scraper(int port) {
		this.base = "http://localhost:" + port;
		this.schedule.scheduleAtFixedRate(this::scrape, 0, 1, TimeUnit.SECONDS);
	}

	public void setActive(boolean active) {
		this.active = active;
	}

	private void scrape() {
		if (!this.active) {
			return;
		}
		for (String path : new String[] { PROMETHEUS, HEALTH }) {
			try {
				if (get(path) != 200) {
					this.failures.incrementAndGet();
				}
			}
			catch (IOException ex) {
				this.failures.incrementAndGet();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			this.scrapes.incrementAndGet();
		}
	}

	/**
	 * One GET, its body read to the end.
	 * @return the HTTP status
	 */
	public int get(String path) throws IOException, InterruptedException {
		HttpRequest request = HttpRequest.newBuilder(URI.create(this.base + path))
			.timeout(Duration.ofSeconds(10))
			.build();
		return this.client.send(request, HttpResponse.BodyHandlers.ofByteArray()).statusCode();
	}

	public long scrapes() {
		return this.scrapes.get();
	}

	public long failures() {
		return this.failures.get();
	}

	@Override
	public void close() {
		this.schedule.shutdownNow();
	}

}
