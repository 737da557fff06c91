package dev.poolwise.benchmarks.studies.autosize;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.IntSupplier;

/**
 * Samples pg_stat_activity every 100 ms over a connection of its own: the sessions one application name
 * holds, every client session, and the pool's working maximum at the same moment.
 */
final class ServerSampler implements AutoCloseable {

	private static final String QUERY = "SELECT count(*) FILTER (WHERE application_name = ?)::int, "
			+ "count(*) FILTER (WHERE backend_type = 'client backend')::int FROM pg_stat_activity";

	private final Thread thread;

	private final List<Sample> samples = new ArrayList<>();

	private final long start = System.nanoTime();

	private volatile boolean stopped;

	ServerSampler(String url, String applicationName, IntSupplier maximum) {
		this.thread = new Thread(() -> run(url, applicationName, maximum), "autosize-sampler");
		this.thread.setDaemon(true);
		this.thread.start();
	}

	private void run(String url, String applicationName, IntSupplier maximum) {
		Properties properties = new Properties();
		properties.setProperty("user", "postgres");
		properties.setProperty("ApplicationName", "autosize-sampler");
		try (Connection connection = DriverManager.getConnection(url, properties);
				PreparedStatement statement = connection.prepareStatement(QUERY)) {
			statement.setString(1, applicationName);
			while (!this.stopped) {
				long at = System.nanoTime();
				try (ResultSet row = statement.executeQuery()) {
					row.next();
					synchronized (this.samples) {
						this.samples.add(new Sample((at - this.start) / 1_000_000, row.getInt(1), row.getInt(2),
								maximum.getAsInt()));
					}
				}
				long sleep = 100 - (System.nanoTime() - at) / 1_000_000;
				if (sleep > 0) {
					Thread.sleep(sleep);
				}
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Sampling pg_stat_activity failed", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	long elapsedMillis() {
		return (System.nanoTime() - this.start) / 1_000_000;
	}

	List<Sample> samples() {
		synchronized (this.samples) {
			return List.copyOf(this.samples);
		}
	}

	@Override
	public void close() throws InterruptedException {
		this.stopped = true;
		this.thread.join(5_000);
	}

	/**
	 * One sample.
	 *
	 * @param millis time since sampling started
	 * @param held sessions of the application
	 * @param clients every client session on the server
	 * @param max the pool's working maximum
	 */
	record Sample(long millis, int held, int clients, int max) {

	}

}
