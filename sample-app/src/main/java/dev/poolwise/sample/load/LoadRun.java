package dev.poolwise.sample.load;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;

/**
 * One load run: its threads loop over a connection-holding query until the planned duration is over or the
 * run is stopped, counting what happened to each query.
 */
final class LoadRun {

	private static final Log logger = LogFactory.getLog(LoadRun.class);

	private final LoadPlan plan;

	private final long deadline;

	private final AtomicInteger workers;

	private final AtomicLong started = new AtomicLong();

	private final AtomicLong completed = new AtomicLong();

	private final AtomicLong failed = new AtomicLong();

	private final AtomicLong timeouts = new AtomicLong();

	private volatile boolean stopped;

	LoadRun(LoadPlan plan) {
		this.plan = plan;
		this.deadline = System.nanoTime() + plan.duration().toNanos();
		this.workers = new AtomicInteger(plan.threads());
	}

	/**
	 * The loop of one of the run's threads.
	 * @param query runs one query; throws a {@link DataAccessException} if it fails
	 */
	void work(Runnable query) {
		try {
			while (!this.stopped && System.nanoTime() - this.deadline < 0) {
				this.started.incrementAndGet();
				try {
					query.run();
					this.completed.incrementAndGet();
				}
				catch (CannotGetJdbcConnectionException ex) {
					this.timeouts.incrementAndGet();
				}
				catch (DataAccessException ex) {
					this.failed.incrementAndGet();
					logger.debug("Load query failed: " + ex.getMessage());
				}
			}
		}
		finally {
			this.workers.decrementAndGet();
		}
	}

	/**
	 * Lets each thread finish its current query and start no other.
	 */
	void stop() {
		this.stopped = true;
	}

	boolean isRunning() {
		return this.workers.get() > 0;
	}

	LoadStatus status() {
		return new LoadStatus(isRunning(), this.plan.threads(), this.plan.duration().toSeconds(),
				this.plan.hold().toMillis(), this.started.get(), this.completed.get(), this.failed.get(),
				this.timeouts.get());
	}

}
