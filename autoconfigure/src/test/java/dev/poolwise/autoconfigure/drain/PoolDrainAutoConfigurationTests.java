package dev.poolwise.autoconfigure.drain;

import java.util.concurrent.atomic.AtomicReference;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.poolwise.autoconfigure.PoolwiseAutoConfiguration;
import dev.poolwise.drain.PoolDrainLifecycle;
import dev.poolwise.test.PostgresServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The drain is registered next to Poolwise's pools and closes them when the context stops.
 */
class PoolDrainAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, PoolwiseAutoConfiguration.class,
				PoolDrainAutoConfiguration.class))
		.withPropertyValues(PostgresServer.datasourceProperties());

	@Test
	void poolsAreDrainedAndClosedWhenTheContextCloses() {
		AtomicReference<HikariDataSource> pool = new AtomicReference<>();
		AtomicReference<PoolDrainLifecycle> drain = new AtomicReference<>();
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(PoolDrainLifecycle.class);
			drain.set(context.getBean(PoolDrainLifecycle.class));
			assertThat(drain.get().isRunning()).isTrue();
			pool.set(context.getBean(HikariDataSource.class));
		});
		assertThat(drain.get().isRunning()).isFalse();
		assertThat(pool.get().isClosed()).isTrue();
	}

	@Test
	void stoppedContextKeepsItsPoolOpen() {
		this.contextRunner.run((context) -> {
			context.stop();
			assertThat(context.getBean(HikariDataSource.class).isClosed()).isFalse();
		});
	}

	@Test
	void withoutPoolwiseThereIsNoDrain() {
		this.contextRunner.withPropertyValues("db.pool.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(PoolDrainLifecycle.class));
	}

}
