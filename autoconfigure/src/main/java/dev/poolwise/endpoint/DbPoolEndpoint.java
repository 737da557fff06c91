package dev.poolwise.endpoint;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.zaxxer.hikari.HikariDataSource;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.Sanitizer;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

import dev.poolwise.autosize.AutosizeControls;
import dev.poolwise.autosize.AutosizeState;
import dev.poolwise.endpoint.PoolDescriptor.Recommendation;
import dev.poolwise.endpoint.PoolDescriptor.Setting;
import dev.poolwise.endpoint.PoolDescriptor.Statistics;
import dev.poolwise.endpoint.ResizeDescriptor.Outcome;
import dev.poolwise.holders.HolderTracking;
import dev.poolwise.metrics.PoolSizeAdvisor;
import dev.poolwise.net.SideConnections;
import dev.poolwise.pool.JdbcUrls;
import dev.poolwise.pool.PoolStatistics;
import dev.poolwise.registry.JvmPoolRegistry;
import dev.poolwise.replica.ReplicaSet;
import dev.poolwise.replica.ReplicaSets;
import dev.poolwise.tls.PoolTls;
import dev.poolwise.tls.TlsReport;
import dev.poolwise.tuned.TunedPool;
import dev.poolwise.tuned.TunedPools;

/**
 * {@link Endpoint @Endpoint} that shows each tuned pool: its configuration and where each number came from,
 * its counters, the threads that hold its connections with what their backends do, the server's sessions
 * and, when enabled, index usage, and a size recommendation; and resizes a pool at runtime where allowed.
 * <p>
 * The server is read by {@link ServerSamples}: at most one read in flight per pool, on a short-lived
 * connection of the endpoint's own with a statement timeout, shared by concurrent callers and reused for the
 * sample's time-to-live, so neither an exhausted pool, a slow server nor a loop of requests makes the endpoint
 * hold backends beyond one per pool. Values (session setting values, query texts, the holders' stacks, role
 * names and what the server quotes in its messages) are shown only as
 * {@code management.endpoint.dbpool.show-values} allows ({@link Disclosure}). Its default access is read-only:
 * resizing needs {@code management.endpoint.dbpool.access=unrestricted}, as Spring Boot's write operations do.
 */
@Endpoint(id = "dbpool", defaultAccess = Access.READ_ONLY)
public class DbPoolEndpoint {

	private final TunedPools pools;

	private final @Nullable PoolSizeAdvisor advisor;

	private final Show showValues;

	private final Sanitizer sanitizer;

	private final ReplicaSets replicaSets;

	private final @Nullable AutosizeControls autosize;

	private final ServerSamples samples;

	/**
	 * @param pools the tuned pools
	 * @param advisor source of size recommendations, or null without Micrometer
	 * @param showValues when values are shown
	 * @param sanitizer Spring Boot's sanitizer with the application's sanitizing functions
	 * @param replicaSets the read replicas of the pools
	 * @param autosize the autosize controllers, or null when no pool has one
	 * @param sampling how the server is read
	 */
	public DbPoolEndpoint(TunedPools pools, @Nullable PoolSizeAdvisor advisor, Show showValues, Sanitizer sanitizer,
			ReplicaSets replicaSets, @Nullable AutosizeControls autosize, Sampling sampling) {
		this.pools = pools;
		this.advisor = advisor;
		this.showValues = showValues;
		this.sanitizer = sanitizer;
		this.replicaSets = replicaSets;
		this.autosize = autosize;
		this.samples = new ServerSamples(sampling.timeToLive(), sampling.indexUsage());
	}

	@ReadOperation
	public PoolsDescriptor pools() {
		return pools(this.showValues.isShown(true));
	}

	PoolsDescriptor pools(boolean showValues) {
		Disclosure disclosure = new Disclosure(this.sanitizer, showValues);
		Set<String> replicaPools = new HashSet<>();
		for (ReplicaSet set : this.replicaSets.all()) {
			set.replicas().forEach((replica) -> replicaPools.add(replica.pool().getPoolName()));
		}
		Map<String, PoolDescriptor> descriptors = new LinkedHashMap<>();
		Map<String, Set<String>> scanned = new HashMap<>();
		for (TunedPool pool : this.pools.all()) {
			ServerSamples.Sample sample = this.samples.get(pool, replicaPools.contains(pool.beanName()));
			scanned.put(pool.beanName(), sample.scanned());
			descriptors.put(pool.beanName(), describe(pool, sample, disclosure));
		}
		for (ReplicaSet set : this.replicaSets.all()) {
			PoolDescriptor primary = descriptors.get(set.pool());
			IndexUsage indexes = (primary != null) ? primary.indexes() : null;
			if (primary != null && indexes != null) {
				Set<String> onReplicas = new HashSet<>();
				List<String> notRead = new ArrayList<>();
				set.replicas().forEach((replica) -> {
					String name = replica.pool().getPoolName();
					PoolDescriptor read = descriptors.get(name);
					if (read == null || read.indexes() == null) {
						notRead.add(name);
					}
					onReplicas.addAll(scanned.getOrDefault(name, Set.of()));
				});
				descriptors.put(set.pool(), primary.withIndexes(indexes.withReplicas(onReplicas, notRead)));
			}
		}
		List<RegisteredPool> registry = JvmPoolRegistry.get()
			.all()
			.stream()
			.map((live) -> new RegisteredPool(live.name(), live.owner(), disclosure.target(live.target()),
					live.maxPoolSize(), live.openConnections()))
			.toList();
		Map<String, ReplicaDescriptor> replicas = new LinkedHashMap<>();
		for (ReplicaSet set : this.replicaSets.all()) {
			set.replicas()
				.forEach((replica) -> replicas.put(replica.name(), ReplicaDescriptor.of(set, replica, disclosure)));
		}
		return new PoolsDescriptor(descriptors, replicas, registry);
	}

	/**
	 * Changes a pool's size and overflow; either may be left out to keep it.
	 * @param name the pool's bean name
	 * @param size new permanent connections
	 * @param overflow new burst connections above size
	 * @return what happened
	 */
	@WriteOperation
	public ResizeDescriptor resize(@Selector String name, @Nullable Integer size, @Nullable Integer overflow) {
		TunedPool pool = this.pools.get(name);
		if (pool == null) {
			return ResizeDescriptor.rejected(name, Outcome.UNKNOWN_POOL, "No pool named '" + name + "'; pools: "
					+ this.pools.all().stream().map(TunedPool::beanName).toList() + ".", null);
		}
		return PoolResizer.resize(pool, size, overflow, this.autosize);
	}

	private static @Nullable TlsReport tls(TunedPool pool) {
		PoolTls tls = pool.tls();
		return (tls != null) ? TlsReport.of(tls, Instant.now()) : null;
	}

	private PoolDescriptor describe(TunedPool pool, ServerSamples.Sample sample, Disclosure disclosure) {
		HikariDataSource dataSource = pool.dataSource();
		PoolStatistics statistics = pool.statistics();
		Map<String, Setting> driverProperties = new LinkedHashMap<>();
		pool.tuning().driverProperties().forEach((name, value) -> {
			if (!name.equals("options")) {
				driverProperties.put(name, Setting.of(value));
			}
		});
		Map<String, Object> session = new LinkedHashMap<>();
		pool.tuning()
			.session()
			.all()
			.forEach((setting) -> session.put(setting.name(), disclosure.value(setting.property(), setting.value())));
		HolderTracking tracking = HolderTracking.of(dataSource);
		ServerReport server = sample.server();
		AutosizeState autosized = (this.autosize != null) ? this.autosize.state(pool.beanName()) : null;
		Integer ceiling = (autosized != null) ? autosized.ceiling() : null;
		Recommendation recommendation = Recommendation
			.of((this.advisor != null) ? this.advisor.recommend(dataSource.getPoolName()) : null, statistics);
		List<HolderDescriptor> holderDescriptors = (tracking != null)
				? describe(tracking, sample, disclosure.shown()) : null;
		return new PoolDescriptor(JdbcUrls.mask(dataSource.getJdbcUrl()), sample.connectedTo(),
				PoolDescriptor.configuration(pool.tuning(), dataSource, ceiling), driverProperties, session,
				Statistics.of(statistics), holderDescriptors,
				(server != null) ? server.disclosed(disclosure, SideConnections.applicationName(dataSource)) : null,
				sample.indexes(), disclosure.message(sample.error()), recommendation, tls(pool), autosized);
	}

	private static List<HolderDescriptor> describe(HolderTracking tracking, ServerSamples.Sample sample,
			boolean showValues) {
		// The sample's age first: the holders' times are taken later, so one that borrowed before the read is
		// never taken for one that borrowed after it, however long listing the holders takes.
		Duration readAgo = sample.age();
		return tracking.holders()
			.stream()
			.map((holder) -> HolderDescriptor.of(holder, sample.backends(), readAgo, showValues))
			.toList();
	}

	/**
	 * The pools of this context, and every live Poolwise pool of the JVM.
	 *
	 * @param pools this context's pools by bean name, replica pools by pool name
	 * @param replicas the read replicas by name
	 * @param registry the JVM-wide registry, to spot several pools to the same database
	 */
	public record PoolsDescriptor(Map<String, PoolDescriptor> pools, Map<String, ReplicaDescriptor> replicas,
			List<RegisteredPool> registry) implements OperationResponseBody {

	}

	/**
	 * A live pool of the JVM-wide registry.
	 *
	 * @param name its DataSource bean name
	 * @param owner the application context that owns it
	 * @param target user, server and database it connects to; the user is {@code ******} unless show-values
	 * allows it
	 * @param max its maximum pool size
	 * @param open connections it holds open now
	 */
	public record RegisteredPool(String name, String owner, String target, int max, int open) {

	}

	/**
	 * How the endpoint reads the server.
	 *
	 * @param timeToLive how long one read serves every caller after it ended
	 * @param indexUsage whether index usage is read, a scan of every index's statistics and size
	 */
	public record Sampling(Duration timeToLive, boolean indexUsage) {

	}

}
