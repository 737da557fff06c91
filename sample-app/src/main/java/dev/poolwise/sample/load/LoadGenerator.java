package dev.poolwise.sample.load;

import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.stereotype.Component;

/**
 * Drives the pool with many threads that each borrow a connection, hold it in {@code pg_sleep} and give it
 * back, so that its saturation can be watched in health and metrics. One run at a time, on a pool of at most
 * {@link LoadPlan#MAX_THREADS} threads that is stopped before the DataSource closes.
 */
@Component
public class LoadGenerator implements DisposableBean {

	private final JdbcClient jdbcClient;

	private final ThreadPoolExecutor executor;

	private LoadRun current;

	LoadGenerator(JdbcClient jdbcClient) {
		this.jdbcClient = jdbcClient;
		this.executor = new ThreadPoolExecutor(LoadPlan.MAX_THREADS, LoadPlan.MAX_THREADS, 10, TimeUnit.SECONDS,
				new LinkedBlockingQueue<>(), new CustomizableThreadFactory("load-"));
		this.executor.allowCoreThreadTimeOut(true);
	}

	/**
	 * Starts a run and returns at once.
	 * @param plan what to run
	 * @return the status of the new run
	 * @throws IllegalStateException if a run is still going
	 */
	public synchronized LoadStatus start(LoadPlan plan) {
		if (this.current != null && this.current.isRunning()) {
			throw new IllegalStateException("A load run is still going; stop it with DELETE /load first");
		}
		LoadRun run = new LoadRun(plan);
		for (int i = 0; i < plan.threads(); i++) {
			this.executor.execute(() -> run.work(() -> hold(plan.hold())));
		}
		this.current = run;
		return run.status();
	}

	/**
	 * The latest run.
	 * @return its status, or an empty one before the first run
	 */
	public synchronized LoadStatus status() {
		return (this.current != null) ? this.current.status() : LoadStatus.NONE;
	}

	/**
	 * Stops the latest run: each thread finishes its current query and starts no other.
	 * @return the run's status
	 */
	public synchronized LoadStatus stop() {
		if (this.current != null) {
			this.current.stop();
		}
		return status();
	}

	private void hold(Duration hold) {
		this.jdbcClient.sql("SELECT 1 FROM pg_sleep(:seconds)")
			.param("seconds", hold.toMillis() / 1000.0)
			.query(Integer.class)
			.single();
	}

	/**
	 * Stops the run and interrupts threads still waiting for a connection, then waits for the queries in
	 * flight, so no connection is in use when the pool closes.
	 */
	@Override
	public void destroy() throws InterruptedException {
		stop();
		this.executor.shutdownNow();
		this.executor.awaitTermination(LoadPlan.MAX_HOLD.toSeconds() + 5, TimeUnit.SECONDS);
	}

}
