package dev.poolwise.pool;

import java.util.concurrent.ThreadFactory;

/**
 * The one recipe for Poolwise's background threads: platform daemon threads named
 * {@code poolwise-<purpose>-<pool>}, so that a thread dump tells which feature and which pool each one works
 * for, and none of them keeps the JVM alive.
 */
public final class PoolThreads {

	private static final String PREFIX = "poolwise-";

	private PoolThreads() {
	}

	/**
	 * Makes the threads of one feature's executor for one pool.
	 * @param purpose the feature, e.g. {@code monitor}
	 * @param pool the pool's name
	 * @return a factory of daemon threads named {@code poolwise-<purpose>-<pool>}
	 */
	public static ThreadFactory factory(String purpose, String pool) {
		String name = name(purpose, pool);
		return (task) -> daemon(task, name);
	}

	/**
	 * Starts a one-off task on a thread of its own.
	 * @param purpose the feature, e.g. {@code warmup}
	 * @param pool the pool's name
	 * @param task the task
	 */
	public static void start(String purpose, String pool, Runnable task) {
		daemon(task, name(purpose, pool)).start();
	}

	/**
	 * The name of a feature's threads for one pool.
	 * @param purpose the feature
	 * @param pool the pool's name
	 * @return {@code poolwise-<purpose>-<pool>}
	 */
	public static String name(String purpose, String pool) {
		return PREFIX + purpose + "-" + pool;
	}

	private static Thread daemon(Runnable task, String name) {
		Thread thread = new Thread(task, name);
		thread.setDaemon(true);
		return thread;
	}

}
