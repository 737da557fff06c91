package dev.poolwise.drain;

import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.BeanNameAware;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.ContextClosedEvent;

import dev.poolwise.pool.PoolStatistics;

/**
 * On shutdown, waits until no connection is borrowed from the pools, at most the phase timeout, so that
 * work in flight finishes before the pools close. It stops after the web server's graceful shutdown
 * ({@code WebServerGracefulShutdownLifecycle}, phase {@code DEFAULT_PHASE - 1024}), when requests no longer
 * arrive and those in flight have answered, and before the web server itself stops
 * ({@code DEFAULT_PHASE - 2048}). What is still borrowed at the deadline is logged.
 * <p>
 * The pools close later, when the context destroys its beans, after every bean that still needs the
 * database at shutdown: Hibernate's {@code create-drop} drops its schema when the entity manager factory
 * closes, after every lifecycle has stopped. Each pool's DataSource bean is destroyed after the beans that
 * depend on it and closes its pool, as without Poolwise; this drain is destroyed after those DataSource beans
 * and closes what is still open (a pool inside a wrapper that does not close it), so its close, too, comes
 * after everything that uses the pool. Hikari's close aborts what is still borrowed then.
 * Only a closing context is drained; a context that is merely stopped keeps its pools.
 */
public final class PoolDrainLifecycle
		implements SmartLifecycle, ApplicationListener<ContextClosedEvent>, BeanNameAware, DisposableBean {

	/**
	 * Between the web server's graceful shutdown and its stop.
	 */
	public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 1536;

	private static final Log logger = LogFactory.getLog(PoolDrainLifecycle.class);

	private static final long POLL_MILLIS = 20;

	private final Supplier<Map<String, HikariDataSource>> pools;

	private final Duration timeout;

	private volatile boolean running;

	private volatile boolean closing;

	private final ApplicationContext applicationContext;

	private @Nullable String beanName;

	/**
	 * Creates a drain.
	 * @param pools the pools to drain, by bean name, read when the drain starts
	 * @param timeout how long to wait for borrowed connections
	 * ({@code spring.lifecycle.timeout-per-shutdown-phase})
	 * @param applicationContext the context whose close drains the pools
	 */
	public PoolDrainLifecycle(Supplier<Map<String, HikariDataSource>> pools, Duration timeout,
			ApplicationContext applicationContext) {
		this.pools = pools;
		this.timeout = timeout;
		this.applicationContext = applicationContext;
	}

	/**
	 * Tells a close from a stop: a context stopped for a checkpoint (CRaC) or by {@code stop()} starts again
	 * and keeps its pools, so only a closing context waits for them to drain. A child context's close, which
	 * reaches this listener too, does not count.
	 */
	@Override
	public void onApplicationEvent(ContextClosedEvent event) {
		if (event.getApplicationContext() == this.applicationContext) {
			this.closing = true;
		}
	}

	@Override
	public void setBeanName(String name) {
		this.beanName = name;
	}

	/**
	 * Starts, and makes each pool's DataSource bean a dependent of this drain, so that the context destroys
	 * them, and every bean that uses them, before it destroys the drain.
	 */
	@Override
	public void start() {
		this.running = true;
		if (this.beanName != null && this.applicationContext instanceof ConfigurableApplicationContext context) {
			for (String pool : this.pools.get().keySet()) {
				context.getBeanFactory().registerDependentBean(this.beanName, pool);
			}
		}
	}

	@Override
	public void stop() {
		this.running = false;
		if (!this.closing) {
			return;
		}
		Map<String, HikariDataSource> pools = this.pools.get();
		long start = System.nanoTime();
		long deadline = start + this.timeout.toNanos();
		while (borrowed(pools) > 0 && System.nanoTime() - deadline < 0) {
			try {
				Thread.sleep(POLL_MILLIS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
		}
		Duration waited = Duration.ofNanos(System.nanoTime() - start);
		pools.forEach((name, dataSource) -> reportBorrowed(name, dataSource, waited));
		logger.info("Pools " + pools.keySet() + " drained in " + waited.toMillis()
				+ " ms; they close after the beans that use them");
	}

	private void reportBorrowed(String name, HikariDataSource dataSource, Duration waited) {
		int active = PoolStatistics.of(dataSource).active();
		if (active > 0) {
			logger.warn("Pool '" + name + "': connections still borrowed after " + waited.toMillis()
					+ " ms (spring.lifecycle.timeout-per-shutdown-phase=" + this.timeout + "): " + active
					+ "; closing the pool anyway: " + BorrowedConnections.describe(dataSource));
		}
	}

	/**
	 * Closes the pools their DataSource beans left open. The context calls it after it destroyed those beans.
	 */
	@Override
	public void destroy() {
		for (HikariDataSource dataSource : this.pools.get().values()) {
			if (!dataSource.isClosed()) {
				dataSource.close();
			}
		}
	}

	private static int borrowed(Map<String, HikariDataSource> pools) {
		int borrowed = 0;
		for (HikariDataSource dataSource : pools.values()) {
			borrowed += PoolStatistics.of(dataSource).active();
		}
		return borrowed;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}
