package dev.poolwise.soak;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.poolwise.pool.PoolUnwrapper;
import dev.poolwise.replica.ReplicaSet;
import dev.poolwise.replica.RoutingDataSource;

/**
 * One running instance of the soak's application: a real application context with its DataSource, taking
 * calls until it is told to stop, as a web server in graceful shutdown does: calls already in flight finish,
 * new ones go to the next instance. Closing it closes its context, which drains and closes its pools.
 */
final class Instance {

	private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

	private final int number;

	private final DataSource dataSource;

	private final CountDownLatch close = new CountDownLatch(1);

	private final CompletableFuture<Void> closed;

	private int inFlight;

	private boolean stopping;

	private Instance(int number, DataSource dataSource, CompletableFuture<Void> closed) {
		this.number = number;
		this.dataSource = dataSource;
		this.closed = closed;
	}

	/**
	 * Starts an instance; its context lives on a thread of its own until {@link #close()}.
	 * @param runner the application
	 * @param number its number in the deployment, from 1
	 * @return the running instance
	 * @throws Exception if the application did not start
	 */
	static Instance start(ApplicationContextRunner runner, int number) throws Exception {
		CompletableFuture<Instance> started = new CompletableFuture<>();
		CompletableFuture<Void> closed = new CompletableFuture<>();
		Thread thread = new Thread(() -> {
			try {
				runner.run((context) -> {
					if (context.getStartupFailure() != null) {
						throw new IllegalStateException("Instance " + number + " of the soak's application did not start",
								context.getStartupFailure());
					}
					Instance instance = new Instance(number, context.getBean(DataSource.class), closed);
					started.complete(instance);
					instance.close.await();
				});
				closed.complete(null);
			}
			catch (Throwable ex) {
				started.completeExceptionally(ex);
				closed.completeExceptionally(ex);
			}
		}, "soak-instance-" + number);
		thread.start();
		try {
			return started.get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		}
		catch (ExecutionException ex) {
			throw (ex.getCause() instanceof Exception cause) ? cause : ex;
		}
	}

	int number() {
		return this.number;
	}

	/**
	 * The application's DataSource bean: with replicas, the routing DataSource.
	 * @return the bean
	 */
	DataSource dataSource() {
		return this.dataSource;
	}

	/**
	 * The primary's pool behind the bean.
	 * @return the pool
	 */
	HikariDataSource pool() {
		HikariDataSource pool = PoolUnwrapper.find(this.dataSource);
		if (pool == null) {
			throw new IllegalStateException("No Hikari pool behind " + this.dataSource);
		}
		return pool;
	}

	/**
	 * The replicas the bean routes read-only transactions to.
	 * @return the replicas, or null without routing
	 */
	@Nullable ReplicaSet replicas() {
		return (this.dataSource instanceof RoutingDataSource routing) ? routing.replicas() : null;
	}

	/**
	 * Admits a call, unless the instance stopped taking them.
	 * @return whether the call may run here; {@link #left()} must follow one that may
	 */
	synchronized boolean enter() {
		if (this.stopping) {
			return false;
		}
		this.inFlight++;
		return true;
	}

	synchronized void left() {
		this.inFlight--;
		notifyAll();
	}

	/**
	 * Takes no more calls and waits for those in flight, as a web server's graceful shutdown does before the
	 * pools are drained.
	 * @return how many were in flight when it stopped taking calls
	 * @throws InterruptedException if interrupted while waiting
	 */
	synchronized int stopTakingCalls() throws InterruptedException {
		this.stopping = true;
		int inFlight = this.inFlight;
		long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
		while (this.inFlight > 0) {
			long left = deadline - System.nanoTime();
			if (left <= 0) {
				throw new IllegalStateException("Instance " + this.number + " still has " + this.inFlight
						+ " calls in flight after " + STOP_TIMEOUT.toSeconds() + " s");
			}
			TimeUnit.NANOSECONDS.timedWait(this, left);
		}
		return inFlight;
	}

	/**
	 * Closes the context, which drains and closes its pools, and waits until it is closed.
	 * @throws Exception if the context failed or did not close in time
	 */
	void close() throws Exception {
		this.close.countDown();
		try {
			this.closed.get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		}
		catch (ExecutionException ex) {
			throw (ex.getCause() instanceof Exception cause) ? cause : ex;
		}
		catch (TimeoutException ex) {
			throw new IllegalStateException("Instance " + this.number + " did not close within "
					+ STOP_TIMEOUT.toSeconds() + " s", ex);
		}
	}

}
