package dev.poolwise.soak;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * Writer threads running transfers and reader threads reading the total in read-only transactions, through
 * the application's DataSource, until stopped, journalling every call. A writer whose transfer was
 * acknowledged reads it back at once in a read-only transaction on the same thread, as a request that
 * writes then shows what it wrote does. Each writer's transfers come from its own {@link Random} seeded from
 * the soak's seed, so a replay makes the same transfers in the same order per writer.
 */
final class Load implements AutoCloseable {

	private static final Duration PAUSE = Duration.ofMillis(5);

	private final Deployment deployment;

	private final Queue<LedgerCall> journal = new ConcurrentLinkedQueue<>();

	private final List<Thread> threads = new ArrayList<>();

	private volatile boolean running = true;

	private long sequence;

	private Load(Deployment deployment) {
		this.deployment = deployment;
	}

	static Load start(Deployment deployment, SoakSettings settings) {
		Load load = new Load(deployment);
		for (int i = 0; i < settings.writers(); i++) {
			int writer = i + 1;
			Random random = new Random(settings.seed() * 31 + writer);
			load.thread("soak-writer-" + writer, () -> load.transfer(writer, random));
		}
		for (int i = 0; i < settings.readers(); i++) {
			load.thread("soak-reader-" + (i + 1), () -> load.journal.add(deployment.call(Ledger::readTotal)));
		}
		return load;
	}

	private void thread(String name, Runnable call) {
		Thread thread = new Thread(() -> {
			while (this.running) {
				call.run();
				LockSupport.parkNanos(PAUSE.toNanos());
			}
		}, name);
		this.threads.add(thread);
		thread.start();
	}

	private void transfer(int writer, Random random) {
		int from = 1 + random.nextInt(Ledger.ACCOUNTS);
		int to = 1 + (from + random.nextInt(Ledger.ACCOUNTS - 1)) % Ledger.ACCOUNTS;
		long amount = 1 + random.nextInt(100);
		long id;
		synchronized (this) {
			id = ((long) writer << 40) | ++this.sequence;
		}
		this.deployment.call((dataSource) -> {
			LedgerCall transfer = Ledger.transfer(dataSource, id, from, to, amount);
			this.journal.add(transfer);
			if (transfer.outcome() == LedgerCall.Outcome.ACKNOWLEDGED) {
				this.journal.add(Ledger.readBack(dataSource, id));
			}
			return transfer;
		});
	}

	/**
	 * Successful calls of one kind that started after a point in time.
	 */
	long succeededAfter(boolean write, long nanos) {
		return this.journal.stream()
			.filter((call) -> call.write() == write && !call.failed() && call.start() > nanos)
			.count();
	}

	/**
	 * Successful reads served by the server on a port that started after a point in time.
	 */
	long readsOn(int port, long nanos) {
		return this.journal.stream()
			.filter((call) -> !call.write() && !call.failed() && call.port() == port && call.start() > nanos)
			.count();
	}

	List<LedgerCall> journal() {
		return List.copyOf(this.journal);
	}

	@Override
	public void close() throws InterruptedException {
		this.running = false;
		for (Thread thread : this.threads) {
			thread.join(Duration.ofSeconds(30).toMillis());
			if (thread.isAlive()) {
				throw new IllegalStateException(thread.getName() + " still running 30 s after the soak stopped");
			}
		}
	}

}
