package dev.poolwise.endpoint;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import com.zaxxer.hikari.HikariDataSource;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

import dev.poolwise.autosize.AutosizeControls;
import dev.poolwise.autosize.AutosizeState;
import dev.poolwise.endpoint.PoolDescriptor.ConnectedTo;
import dev.poolwise.endpoint.PoolDescriptor.Recommendation;
import dev.poolwise.endpoint.PoolDescriptor.Setting;
import dev.poolwise.endpoint.PoolDescriptor.Statistics;
import dev.poolwise.endpoint.ResizeDescriptor.Outcome;
import dev.poolwise.failover.ConnectedServer;
import dev.poolwise.holders.Backend;
import dev.poolwise.holders.Holder;
import dev.poolwise.holders.HolderTracking;
import dev.poolwise.metrics.PoolSizeAdvisor;
import dev.poolwise.net.SideConnections;
import dev.poolwise.pool.JdbcUrls;
import dev.poolwise.pool.PoolStatistics;
import dev.poolwise.pool.Redaction;
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
 * and index usage, and a size recommendation; and, when enabled, resizes a pool at runtime. The server is
 * read over a short-lived connection of the endpoint's own with a statement timeout, so an exhausted pool or
 * a slow server cannot hang the endpoint. Query texts and the holders' stacks may carry values, so they are
 * shown only as {@code management.endpoint.dbpool.show-values} allows.
 */
@Endpoint(id = "dbpool")
public class DbPoolEndpoint {

	private static final Duration QUERY_TIMEOUT = Duration.ofSeconds(2);

	private final TunedPools pools;

	private final @Nullable PoolSizeAdvisor advisor;

	private final Show showValues;

	private final ReplicaSets replicaSets;
	private final @Nullable AutosizeControls autosize;

	/**
	 * @param pools the tuned pools
	 * @param advisor source of size recommendations, or null without Micrometer
	 * @param showValues when query texts are shown
	 * @param replicaSets the read replicas of the pools
	 * @param autosize the autosize controllers, or null when no pool has one
	 */
	public DbPoolEndpoint(TunedPools pools, @Nullable PoolSizeAdvisor advisor, Show showValues,
			ReplicaSets replicaSets, @Nullable AutosizeControls autosize) {
		this.pools = pools;
		this.advisor = advisor;
		this.showValues = showValues;
		this.replicaSets = replicaSets;
		this.autosize = autosize;
	}

	@ReadOperation
	public PoolsDescriptor pools() {
		return pools(this.showValues.isShown(true));
	}

	PoolsDescriptor pools(boolean showQueries) {
		Map<String, PoolDescriptor> descriptors = new LinkedHashMap<>();
		Map<String, Set<String>> scanned = new HashMap<>();
		for (ReplicaSet set : this.replicaSets.all()) {
			set.replicas().forEach((replica) -> scanned.put(replica.pool().getPoolName(), new HashSet<>()));
		}
		for (TunedPool pool : this.pools.all()) {
			descriptors.put(pool.beanName(), describe(pool, showQueries, scanned.get(pool.beanName())));
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
					onReplicas.addAll(scanned.get(name));
				});
				descriptors.put(set.pool(), primary.withIndexes(indexes.withReplicas(onReplicas, notRead)));
			}
		}
		List<RegisteredPool> registry = JvmPoolRegistry.get()
			.all()
			.stream()
			.map((live) -> new RegisteredPool(live.name(), live.owner(), live.target().toString(), live.maxPoolSize(),
					live.openConnections()))
			.toList();
		Map<String, ReplicaDescriptor> replicas = new LinkedHashMap<>();
		for (ReplicaSet set : this.replicaSets.all()) {
			set.replicas().forEach((replica) -> replicas.put(replica.name(), ReplicaDescriptor.of(set, replica)));
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

	/**
	 * @param scanned where a replica pool's scanned indexes go, or null for other pools
	 */
	private PoolDescriptor describe(TunedPool pool, boolean showQueries, @Nullable Set<String> scanned) {
		HikariDataSource dataSource = pool.dataSource();
		PoolStatistics statistics = pool.statistics();
		Map<String, Setting> driverProperties = new LinkedHashMap<>();
		pool.tuning().driverProperties().forEach((name, value) -> {
			if (!name.equals("options")) {
				driverProperties.put(name, Setting.of(value));
			}
		});
		Map<String, String> session = new LinkedHashMap<>();
		pool.tuning().session().all().forEach((setting) -> session.put(setting.name(), setting.value()));
		HolderTracking tracking = HolderTracking.of(dataSource);
		List<Holder> holders = (tracking != null) ? tracking.holders() : List.of();
		Map<Integer, Backend> backends = Map.of();
		ConnectedTo connectedTo = null;
		ServerReport server = null;
		IndexUsage indexes = null;
		String serverError = null;
		try (Connection connection = SideConnections.open(dataSource, SideConnections.ENDPOINT, QUERY_TIMEOUT)) {
			connectedTo = ConnectedTo.of(ConnectedServer.of(connection));
			server = ServerReport.read(connection, SideConnections.applicationName(dataSource), showQueries);
			if (scanned != null) {
				scanned.addAll(IndexUsage.scanned(connection));
			}
			indexes = IndexUsage.read(connection);
			backends = Backend.read(connection, holders.stream().map(Holder::pid).filter(Objects::nonNull).toList());
		}
		catch (SQLException ex) {
			serverError = Redaction.describe(ex, dataSource);
		}
		AutosizeState autosized = (this.autosize != null) ? this.autosize.state(pool.beanName()) : null;
		Integer ceiling = (autosized != null) ? autosized.ceiling() : null;
		Recommendation recommendation = Recommendation
			.of((this.advisor != null) ? this.advisor.recommend(dataSource.getPoolName()) : null, statistics);
		List<HolderDescriptor> holderDescriptors = (tracking != null) ? describe(holders, backends, showQueries) : null;
		return new PoolDescriptor(JdbcUrls.mask(dataSource.getJdbcUrl()), connectedTo,
				PoolDescriptor.configuration(pool.tuning(), dataSource, ceiling), driverProperties, session,
				Statistics.of(statistics), holderDescriptors, server, indexes, serverError, recommendation, tls(pool),
				autosized);
	}

	private static List<HolderDescriptor> describe(List<Holder> holders, Map<Integer, Backend> backends,
			boolean showValues) {
		return holders.stream().map((holder) -> HolderDescriptor.of(holder, backends, showValues)).toList();
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
	 * @param target user, server and database it connects to
	 * @param max its maximum pool size
	 * @param open connections it holds open now
	 */
	public record RegisteredPool(String name, String owner, String target, int max, int open) {

	}

}
