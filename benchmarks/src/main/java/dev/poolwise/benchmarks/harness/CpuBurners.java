package dev.poolwise.benchmarks.harness;

import java.util.ArrayList;
import java.util.List;

/**
 * Threads that spin until stopped, so that every core is busy as it is under a CPU-bound workload: the
 * client load alone leaves gaps while its threads wait for connections.
 */
public final class CpuBurners {

	private final List<Thread> threads;

	private volatile boolean stopped;

	private CpuBurners(int count) {
		this.threads = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			Thread thread = new Thread(this::spin, "bench-cpu-burner-" + i);
			thread.setDaemon(true);
			this.threads.add(thread);
		}
	}

	public static CpuBurners start(int count) {
		CpuBurners burners = new CpuBurners(count);
		burners.threads.forEach(Thread::start);
		return burners;
	}

	private void spin() {
		long sink = 0;
		while (!this.stopped) {
			sink += System.nanoTime() % 7;
		}
		if (sink == 42) {
			System.out.print("");
		}
	}

	public void stop() throws InterruptedException {
		this.stopped = true;
		for (Thread thread : this.threads) {
			thread.join();
		}
	}

}
