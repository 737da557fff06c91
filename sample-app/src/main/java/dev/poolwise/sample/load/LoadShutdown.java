package dev.poolwise.sample.load;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Stops the load run when shutdown begins, before the web server's graceful shutdown, as a scheduler or a
 * message listener stops taking work: each thread finishes the query it is running and starts no other.
 * Poolwise's drain then waits for those queries before it closes the pool.
 */
@Component
class LoadShutdown implements SmartLifecycle {

	private final LoadGenerator generator;

	private volatile boolean running;

	LoadShutdown(LoadGenerator generator) {
		this.generator = generator;
	}

	@Override
	public void start() {
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		this.generator.stop();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

}
