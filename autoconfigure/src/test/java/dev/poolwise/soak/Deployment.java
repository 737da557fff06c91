package dev.poolwise.soak;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.poolwise.replica.Replica;
import dev.poolwise.replica.ReplicaSet;
import dev.poolwise.replica.Routing;

import static org.awaitility.Awaitility.await;

/**
 * The soak's application as a load balancer sees it: one instance takes the calls; a rolling deploy starts
 * the next one, waits until its pool is full, sends it every new call, lets the old one finish the calls it
 * has and closes it, so its drain closes its pools.
 */
final class Deployment implements AutoCloseable {

	private static final Duration WARM = Duration.ofSeconds(30);

	private final ApplicationContextRunner application;

	private final List<Instance> instances = new CopyOnWriteArrayList<>();

	private volatile Instance current;

	Deployment(ApplicationContextRunner application) throws Exception {
		this.application = application;
		this.current = startInstance();
	}

	/**
	 * The instance that takes new calls.
	 * @return the instance
	 */
	Instance current() {
		return this.current;
	}

	/**
	 * Runs a call on the instance that takes calls, as a load balancer hands a request to one.
	 * @param call what to run on the instance's DataSource
	 * @param <T> what the call returns
	 * @return what it returned
	 */
	<T> T call(Function<DataSource, T> call) {
		while (true) {
			Instance instance = this.current;
			if (instance.enter()) {
				try {
					return call.apply(instance.dataSource());
				}
				finally {
					instance.left();
				}
			}
			Thread.onSpinWait();
		}
	}

	/**
	 * Replaces the running instance with a new one.
	 * @return what the replacement found: calls in flight on the old instance, and how long its close took
	 * @throws Exception if the new instance did not start or the old one did not close
	 */
	String rollingDeploy() throws Exception {
		Instance next = startInstance();
		Instance old = this.current;
		this.current = next;
		int inFlight = old.stopTakingCalls();
		long closing = System.nanoTime();
		old.close();
		return "instance " + next.number() + " took over from " + old.number() + " with " + inFlight
				+ " calls in flight; old context closed in " + Duration.ofNanos(System.nanoTime() - closing).toMillis()
				+ " ms";
	}

	private Instance startInstance() throws Exception {
		Instance instance = Instance.start(this.application, this.instances.size() + 1);
		this.instances.add(instance);
		HikariDataSource pool = instance.pool();
		pool.getConnection().close();
		HikariPoolMXBean bean = pool.getHikariPoolMXBean();
		await().atMost(WARM).until(() -> bean.getTotalConnections() == SoakSettings.SIZE);
		return instance;
	}

	/**
	 * Read-only transactions of every instance by where they ran, from Poolwise's routing counters.
	 * @return the counts
	 */
	ReplicaReads replicaReads() {
		long replica = 0;
		long noReplica = 0;
		long ownWrite = 0;
		for (Instance instance : this.instances) {
			ReplicaSet replicas = instance.replicas();
			if (replicas == null) {
				continue;
			}
			Routing routing = replicas.routing();
			for (Replica member : replicas.replicas()) {
				replica += routing.servedBy(member.name());
			}
			noReplica += routing.servedByPrimary(Routing.NO_REPLICA);
			ownWrite += routing.servedByPrimary(Routing.OWN_WRITE);
		}
		return new ReplicaReads(replica, noReplica, ownWrite);
	}

	@Override
	public void close() throws Exception {
		this.current.close();
	}

	/**
	 * Where read-only transactions ran, as Poolwise counted them ({@code db.pool.replica.reads}).
	 *
	 * @param replica on a replica
	 * @param noReplica on the primary, no replica being available
	 * @param ownWrite on the primary, every available replica being behind the thread's own last write
	 */
	record ReplicaReads(long replica, long noReplica, long ownWrite) {

		long all() {
			return this.replica + this.noReplica + this.ownWrite;
		}

	}

}
