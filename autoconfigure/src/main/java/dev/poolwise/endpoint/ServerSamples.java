package dev.poolwise.endpoint;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import com.zaxxer.hikari.HikariDataSource;
import org.jspecify.annotations.Nullable;

import dev.poolwise.endpoint.PoolDescriptor.ConnectedTo;
import dev.poolwise.failover.ConnectedServer;
import dev.poolwise.holders.Backend;
import dev.poolwise.holders.Holder;
import dev.poolwise.holders.HolderTracking;
import dev.poolwise.net.SideConnections;
import dev.poolwise.pool.Redaction;
import dev.poolwise.tuned.TunedPool;

/**
 * The endpoint's reads of each pool's server, bounded as the health probe's are: at most one read in flight
 * per pool, callers arriving meanwhile wait for that same read, and its result serves every caller for the
 * time-to-live after it ended. Without this, every GET opened a physical connection per pool, outside every
 * budget Poolwise computes, and a loop of requests could take the server to {@code max_connections}. A read
 * runs on a connection of its own whose connect, login, statement and socket timeouts bound it, and so bound
 * the callers waiting for it. A read keeps query texts and names as the server gave them: what a caller may
 * see of them is decided per request.
 */
final class ServerSamples {

	private static final Duration QUERY_TIMEOUT = Duration.ofSeconds(2);

	private final long timeToLiveNanos;

	private final boolean indexUsage;

	private final Map<String, Slot> slots = new ConcurrentHashMap<>();

	/**
	 * @param timeToLive how long a read serves callers after it ended; zero to read for every caller that
	 * finds no read in flight
	 * @param indexUsage whether to read index usage, a scan of every index's statistics and size
	 */
	ServerSamples(Duration timeToLive, boolean indexUsage) {
		this.timeToLiveNanos = timeToLive.toNanos();
		this.indexUsage = indexUsage;
	}

	/**
	 * A recent read of the pool's server, or a new one.
	 * @param pool the pool
	 * @param replica whether it is a read replica's pool, whose scanned indexes are read too
	 * @return the sample
	 */
	Sample get(TunedPool pool, boolean replica) {
		return this.slots.computeIfAbsent(pool.beanName(), (name) -> new Slot()).get(pool, replica);
	}

	private Sample read(TunedPool pool, boolean replica) {
		HikariDataSource dataSource = pool.dataSource();
		HolderTracking tracking = HolderTracking.of(dataSource);
		long readAt = System.nanoTime();
		try (Connection connection = SideConnections.open(dataSource, SideConnections.ENDPOINT, QUERY_TIMEOUT)) {
			ConnectedTo connectedTo = ConnectedTo.of(ConnectedServer.of(connection));
			ServerReport server = ServerReport.read(connection, SideConnections.applicationName(dataSource));
			Set<String> scanned = (replica && this.indexUsage) ? IndexUsage.scanned(connection) : Set.of();
			IndexUsage indexes = this.indexUsage ? IndexUsage.read(connection) : null;
			Map<Integer, Backend> backends = (tracking != null) ? Backend.read(connection,
					tracking.holders().stream().map(Holder::pid).filter(Objects::nonNull).toList()) : Map.of();
			return new Sample(connectedTo, server, indexes, scanned, backends, readAt, null);
		}
		catch (SQLException ex) {
			return new Sample(null, null, null, Set.of(), Map.of(), readAt, Redaction.describe(ex, dataSource));
		}
	}

	/**
	 * One pool's latest read and the read in flight.
	 */
	private final class Slot {

		private @Nullable CompletableFuture<Sample> latest;

		private long endedAt;

		Sample get(TunedPool pool, boolean replica) {
			CompletableFuture<Sample> shared;
			CompletableFuture<Sample> mine = null;
			synchronized (this) {
				CompletableFuture<Sample> latest = this.latest;
				if (latest == null
						|| (latest.isDone() && System.nanoTime() - this.endedAt >= ServerSamples.this.timeToLiveNanos)) {
					mine = new CompletableFuture<>();
					this.latest = mine;
					shared = mine;
				}
				else {
					shared = latest;
				}
			}
			if (mine != null) {
				try {
					Sample read = read(pool, replica);
					ended();
					mine.complete(read);
				}
				catch (RuntimeException | Error ex) {
					forget(mine);
					mine.completeExceptionally(ex);
					throw ex;
				}
			}
			return shared.join();
		}

		private synchronized void ended() {
			this.endedAt = System.nanoTime();
		}

		/**
		 * A read that failed unexpectedly serves only the callers already waiting for it: the next caller
		 * reads again rather than get the same failure for the time-to-live.
		 */
		private synchronized void forget(CompletableFuture<Sample> failed) {
			if (this.latest == failed) {
				this.latest = null;
			}
		}

	}

	/**
	 * What one read found.
	 *
	 * @param connectedTo where the read's connection landed, or null if it failed
	 * @param server the server's sessions, with query texts and names as read, or null if it failed
	 * @param indexes index usage, or null if it failed or is not read
	 * @param scanned on a replica's pool, the indexes its server scanned
	 * @param backends the backends of the pool's holders at the time, by pid
	 * @param readAt when the read began, in {@link System#nanoTime()}
	 * @param error why the server could not be read, or null
	 */
	record Sample(@Nullable ConnectedTo connectedTo, @Nullable ServerReport server, @Nullable IndexUsage indexes,
			Set<String> scanned, Map<Integer, Backend> backends, long readAt, @Nullable String error) {

		/**
		 * How long ago the read began.
		 * @return the time since
		 */
		Duration age() {
			return Duration.ofNanos(System.nanoTime() - this.readAt);
		}

	}

}
