package dev.poolwise.net;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import com.zaxxer.hikari.HikariDataSource;

/**
 * When a side connection kept open between uses (the health probe's, the statistics sampler's) is replaced:
 * after the pool's recycle time (Hikari's {@code maxLifetime}), as the pool's own connections are, and as
 * soon as the pool's TLS material changed, so that it presents the client certificate the pool presents now
 * and verifies the server with the trust the pool uses now. A side connection kept from startup would
 * neither notice a server that refuses new handshakes nor ever present a rotated certificate.
 */
public final class SideConnectionLifetime {

	private final HikariDataSource pool;

	private final LongSupplier generation;

	private volatile long openedNanos;

	private volatile long openedGeneration;

	/**
	 * @param pool the pool whose recycle time applies
	 * @param generation the pool's TLS material generation, which changes whenever the material in use does;
	 * constant for a pool without an SSL bundle
	 */
	public SideConnectionLifetime(HikariDataSource pool, LongSupplier generation) {
		this.pool = pool;
		this.generation = generation;
	}

	/**
	 * Notes that the kept connection was opened now.
	 */
	public void opened() {
		this.openedNanos = System.nanoTime();
		this.openedGeneration = this.generation.getAsLong();
	}

	/**
	 * Whether the kept connection is to be closed and opened again before its next use.
	 * @return true once it outlived the pool's recycle time or the pool's TLS material changed
	 */
	public boolean isOver() {
		long maxLifetime = this.pool.getMaxLifetime();
		return this.generation.getAsLong() != this.openedGeneration
				|| (maxLifetime > 0 && System.nanoTime() - this.openedNanos > TimeUnit.MILLISECONDS.toNanos(maxLifetime));
	}

}
