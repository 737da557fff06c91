package dev.poolwise.autoconfigure.autosize;

import java.time.Duration;
import java.util.List;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.CountingMode;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.metrics.DataSourcePoolMetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.poolwise.autoconfigure.PoolwiseAutoConfiguration;
import dev.poolwise.autoconfigure.metrics.PoolMetricsAutoConfiguration;
import dev.poolwise.autosize.AutosizeControls;
import dev.poolwise.autosize.AutosizeState;
import dev.poolwise.autosize.Decision.Action;
import dev.poolwise.test.Load;
import dev.poolwise.test.PostgresServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The controller measures the load with Poolwise's own counters, whatever meter registry the application has:
 * here only a step-based one, which publishes Hikari's timers once a step, a minute on a clock that stands still,
 * so a controller reading them would see no borrow at all, as one in the first minute of a Datadog or CloudWatch
 * registry does.
 */
@ExtendWith(OutputCaptureExtension.class)
class AutosizeMeasurementTests {

	private static final Duration AT_MOST = Duration.ofSeconds(60);

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, PoolwiseAutoConfiguration.class,
				MetricsAutoConfiguration.class, DataSourcePoolMetricsAutoConfiguration.class,
				PoolMetricsAutoConfiguration.class, AutosizeAutoConfiguration.class))
		.withBean(MeterRegistry.class, AutosizeMeasurementTests::stepRegistry)
		.withPropertyValues(PostgresServer.datasourceProperties())
		.withPropertyValues("management.metrics.use-global-registry=false", "db.pool.size=2", "db.pool.overflow=10",
				"db.pool.monitor.enabled=false", "db.pool.autosize.enabled=true", "db.pool.autosize.interval=300ms",
				"db.pool.autosize.cooldown=300ms");

	@Test
	void withOnlyAStepBasedRegistryWaitingCallersStillGrowThePoolOnMeasuredThroughput() {
		this.contextRunner.withPropertyValues("db.pool.application-name=autosize-step-registry").run((context) -> {
			HikariDataSource pool = context.getBean(HikariDataSource.class);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			try (Load load = Load.start(pool, 30, "SELECT pg_sleep(0.01)")) {
				await().atMost(AT_MOST).until(() -> pool.getMaximumPoolSize() == 12);
				assertThat(load.done()).isPositive();
			}
			Timer acquire = registry.find("hikaricp.connections.acquire").timer();
			assertThat(acquire).as("Hikari's timer is bound").isNotNull();
			assertThat(acquire.count()).as("but its step has not ended").isZero();
			assertThat(judgedSteps(context.getBean(AutosizeControls.class).state("dataSource")))
				.anyMatch((reason) -> reason.matches(".*throughput \\d+ -> [1-9]\\d*/s.*"));
		});
	}

	@Test
	void withHikarisMetersSwitchedOffWaitingCallersStillGrowThePoolOnMeasuredThroughput() {
		this.contextRunner
			.withPropertyValues("db.pool.application-name=autosize-no-hikari-meters",
					"management.metrics.enable.hikaricp=false")
			.run((context) -> {
				HikariDataSource pool = context.getBean(HikariDataSource.class);
				try (Load load = Load.start(pool, 30, "SELECT pg_sleep(0.01)")) {
					await().atMost(AT_MOST).until(() -> pool.getMaximumPoolSize() == 12);
				}
				assertThat(context.getBean(MeterRegistry.class).find("hikaricp.connections.acquire").timer()).isNull();
				assertThat(judgedSteps(context.getBean(AutosizeControls.class).state("dataSource")))
					.anyMatch((reason) -> reason.matches(".*throughput \\d+ -> [1-9]\\d*/s.*"));
			});
	}

	@Test
	void aPoolItCannotMeasureItSaysSoOnceAndLeavesAlone(CapturedOutput output) {
		this.contextRunner.withBean("dataSource", HikariDataSource.class, () -> {
			HikariDataSource pool = PostgresServer.unstartedPool();
			pool.setMetricRegistry(new SimpleMeterRegistry());
			return pool;
		}).withPropertyValues("db.pool.application-name=autosize-unmeasured").run((context) -> {
			HikariDataSource pool = context.getBean(HikariDataSource.class);
			AutosizeState state = context.getBean(AutosizeControls.class).state("dataSource");
			assertThat(state.mode()).isEqualTo("UNMEASURED");
			assertThat(pool.getMaximumPoolSize()).isEqualTo(12);
			try (Load load = Load.start(pool, 4, "SELECT pg_sleep(0.01)")) {
				await().atMost(AT_MOST).until(() -> load.done() > 50);
			}
			assertThat(pool.getMaximumPoolSize()).isEqualTo(12);
			assertThat(output.getOut().split("cannot measure the load of pool 'dataSource'", -1)).hasSize(2);
			assertThat(output).contains("it stops resizing and leaves the maximum at 12");
		});
	}

	private static List<String> judgedSteps(AutosizeState state) {
		return state.decisions().stream()
			.filter((change) -> change.action() == Action.GROW)
			.map(AutosizeState.Change::reason)
			.toList();
	}

	private static MeterRegistry stepRegistry() {
		return new SimpleMeterRegistry(new SimpleConfig() {

			@Override
			public String get(String key) {
				return null;
			}

			@Override
			public CountingMode mode() {
				return CountingMode.STEP;
			}

			@Override
			public Duration step() {
				return Duration.ofMinutes(1);
			}

		}, new MockClock());
	}

}
