package dev.poolwise.benchmarks.studies.autosize;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import com.vladmihalcea.flexypool.FlexyPoolDataSource;
import com.vladmihalcea.flexypool.adaptor.HikariCPPoolAdapter;
import com.vladmihalcea.flexypool.config.FlexyPoolConfiguration;
import com.vladmihalcea.flexypool.strategy.IncrementPoolOnTimeoutConnectionAcquisitionStrategy;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.jspecify.annotations.Nullable;

import dev.poolwise.autoconfigure.PoolProperties;
import dev.poolwise.autosize.AutosizeState;
import dev.poolwise.autosize.PoolAutosizer;
import dev.poolwise.holders.HolderTracking;
import dev.poolwise.login.LoginFailures;
import dev.poolwise.login.LoginRecordingDataSource;
import dev.poolwise.pool.ConnectionBirths;
import dev.poolwise.pool.PoolSettings;
import dev.poolwise.registry.JvmPoolRegistry;

/**
 * One pool under test: a HikariCP 7 pool, on its own or wrapped, named in pg_stat_activity by its
 * application name so the sampler counts its sessions.
 *
 * @param name the name in the report and in pg_stat_activity
 * @param dataSource what the clients borrow from
 * @param hikari the Hikari pool underneath
 * @param closer stops the pool and whatever drives it
 * @param autosizer the Poolwise controller, or null
 */
record Contender(String name, DataSource dataSource, HikariDataSource hikari, AutoCloseable closer,
		@Nullable PoolAutosizer autosizer) implements AutoCloseable {

	/** Logins of this JVM's autosized pools the server refused for want of slots ({@code 53300}). */
	static final AtomicLong REFUSED = new AtomicLong();

	/** Longest a client waits for a connection in every contender. */
	static final Duration TIMEOUT = Duration.ofSeconds(1);

	/** The controller as users get it: {@code db.pool.autosize.enabled=true} and every other key's default. */
	static final PoolSettings.Autosize AUTOSIZE = defaults();

	private static PoolSettings.Autosize defaults() {
		PoolProperties properties = new PoolProperties();
		properties.getAutosize().setEnabled(true);
		return properties.toSettings().autosize();
	}

	static Contender fixed(String name, String url, int size) throws SQLException {
		HikariDataSource hikari = hikari(name, url, size, size);
		return new Contender(name, hikari, hikari, hikari, null);
	}

	/**
	 * Plain Hikari opening connections on demand from {@code size} up to {@code max}, as Boot's pool does
	 * with both set.
	 */
	static Contender elastic(String name, String url, int size, int max) throws SQLException {
		HikariDataSource hikari = hikari(name, url, size, max);
		warm(hikari);
		return new Contender(name, hikari, hikari, hikari, null);
	}

	/**
	 * FlexyPool 3.0.2's IncrementPoolOnTimeoutConnectionAcquisitionStrategy on Boot's 10: one more connection,
	 * up to 40 more, whenever an acquisition took longer than 100ms or timed out.
	 */
	static Contender flexy(String name, String url) throws SQLException {
		HikariDataSource hikari = hikari(name, url, 10, 10);
		FlexyPoolConfiguration<HikariDataSource> configuration = new FlexyPoolConfiguration.Builder<>(name, hikari,
				HikariCPPoolAdapter.FACTORY)
			.build();
		FlexyPoolDataSource<HikariDataSource> flexy = new FlexyPoolDataSource<>(configuration,
				new IncrementPoolOnTimeoutConnectionAcquisitionStrategy.Factory<>(40, 100));
		flexy.start();
		return new Contender(name, flexy, hikari, () -> {
			flexy.stop();
			hikari.close();
		}, null);
	}

	/**
	 * Poolwise's controller between size and ceiling, claiming its budget share on the server as
	 * the starter does.
	 */
	static Contender autosize(String name, String url, int size, int ceiling) throws SQLException {
		return autosize(name, url, "postgres", size, ceiling);
	}

	/**
	 * Poolwise's controller as {@link #autosize(String, String, int, int)} starts it, logging in as the given
	 * role; every login the server refuses for want of slots ({@code 53300}) is counted in {@link #REFUSED}.
	 */
	static Contender autosize(String name, String url, String role, int size, int ceiling) throws SQLException {
		HikariDataSource hikari = hikari(name, url, size, ceiling);
		hikari.setUsername(role);
		// As the starter prepares a pool: its logins recorded, its borrows counted by its own tracker.
		LoginFailures logins = LoginRecordingDataSource.install(hikari, new ConnectionBirths(), (ex) -> {
			if ("53300".equals(ex.getSQLState())) {
				REFUSED.incrementAndGet();
			}
			return ex;
		});
		HolderTracking.install(hikari);
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		warm(hikari);
		PoolAutosizer autosizer = new PoolAutosizer(hikari, name, ceiling, AUTOSIZE,
				JvmPoolRegistry.get().instanceId() + ":" + name, 1, registry, logins);
		autosizer.start();
		return new Contender(name, hikari, hikari, () -> {
			autosizer.stop();
			hikari.close();
		}, autosizer);
	}

	private static HikariDataSource hikari(String name, String url, int size, int max) throws SQLException {
		HikariDataSource hikari = new HikariDataSource();
		hikari.setPoolName(name);
		hikari.setJdbcUrl(url);
		hikari.setUsername("postgres");
		hikari.setMinimumIdle(size);
		hikari.setMaximumPoolSize(max);
		hikari.setConnectionTimeout(TIMEOUT.toMillis());
		hikari.addDataSourceProperty("ApplicationName", name);
		return hikari;
	}

	private static void warm(HikariDataSource hikari) throws SQLException {
		try (Connection connection = hikari.getConnection()) {
			connection.isValid(1);
		}
	}

	int maximum() {
		return this.hikari.getMaximumPoolSize();
	}

	@Nullable AutosizeState state() {
		return (this.autosizer != null) ? this.autosizer.state() : null;
	}

	@Override
	public void close() throws Exception {
		try {
			this.closer.close();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
