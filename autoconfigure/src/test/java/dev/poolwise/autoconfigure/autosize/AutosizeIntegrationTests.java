package dev.poolwise.autoconfigure.autosize;

import java.time.Duration;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.poolwise.autoconfigure.endpoint.DbPoolEndpointAutoConfiguration;
import dev.poolwise.autosize.AutosizeControls;
import dev.poolwise.autosize.AutosizeState;
import dev.poolwise.autosize.Decision.Action;
import dev.poolwise.endpoint.DbPoolEndpoint;
import dev.poolwise.endpoint.ResizeDescriptor;
import dev.poolwise.test.Load;
import dev.poolwise.test.MetricsContexts;
import dev.poolwise.test.PostgresServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The autosize controller on a real server, with ticks of 300ms so each behaviour shows within seconds:
 * waiting callers grow the pool, idleness shrinks it, a lock every caller waits on stops growth at the knee,
 * and a manual resize pauses it.
 */
@ExtendWith(OutputCaptureExtension.class)
class AutosizeIntegrationTests {

	private static final Duration AT_MOST = Duration.ofSeconds(60);

	private final ApplicationContextRunner contextRunner = MetricsContexts.runner()
		.withConfiguration(AutoConfigurations.of(AutosizeAutoConfiguration.class))
		.withPropertyValues("db.pool.size=2", "db.pool.overflow=10", "db.pool.monitor.enabled=false",
				"db.pool.autosize.enabled=true", "db.pool.autosize.interval=300ms", "db.pool.autosize.cooldown=300ms",
				"db.pool.autosize.shrink-delay=1s");

	@Test
	void waitingCallersGrowThePoolAndIdlenessShrinksItBackToSize(CapturedOutput output) {
		this.contextRunner.withPropertyValues("db.pool.application-name=autosize-grow").run((context) -> {
			HikariDataSource pool = context.getBean(HikariDataSource.class);
			AutosizeControls controls = context.getBean(AutosizeControls.class);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			await().atMost(AT_MOST).until(() -> pool.getMaximumPoolSize() == 2);
			try (Load load = Load.start(pool, 12, "SELECT pg_sleep(0.01)")) {
				await().atMost(AT_MOST).until(() -> pool.getMaximumPoolSize() >= 6);
			}
			assertThat(output.getOut()).containsPattern("Poolwise autosize: pool 'dataSource' max 2 -> \\d+ \\(GROW\\): "
					+ "callers wait");
			assertThat(registry.get("db.pool.autosize.changes").tag("direction", "up").counter().count())
				.isGreaterThanOrEqualTo(1);
			await().atMost(AT_MOST).until(() -> pool.getMaximumPoolSize() == 2);
			assertThat(registry.get("db.pool.autosize.target").gauge().value()).isEqualTo(2);
			await().atMost(AT_MOST)
				.until(() -> registry.get("db.pool.autosize.mode").tag("mode", "steady").gauge().value() == 1);
			assertThat(registry.get("db.pool.autosize.mode").gauges()).hasSize(7)
				.filteredOn((gauge) -> gauge.value() == 1)
				.singleElement()
				.extracting((gauge) -> gauge.getId().getTag("mode"))
				.isEqualTo("steady");
			assertThat(output).contains("(SHRINK): no caller waited for");
			AutosizeState state = controls.state("dataSource");
			assertThat(state.decisions()).extracting(AutosizeState.Change::action).contains(Action.SHRINK,
					Action.GROW);
			assertThat(state.floor()).isEqualTo(2);
			assertThat(state.ceiling()).isEqualTo(12);
		});
	}

	@Test
	void whenEveryCallerWaitsForOneLockMoreConnectionsDoNotHelpAndThePoolHoldsAtTheKnee() {
		this.contextRunner.withPropertyValues("db.pool.application-name=autosize-knee").run((context) -> {
			HikariDataSource pool = context.getBean(HikariDataSource.class);
			AutosizeControls controls = context.getBean(AutosizeControls.class);
			try (Load load = Load.start(pool, 12, "SELECT pg_advisory_xact_lock(1919)", "SELECT pg_sleep(0.005)")) {
				await().atMost(AT_MOST)
					.until(() -> controls.state("dataSource").decisions().stream()
						.anyMatch((change) -> change.action() == Action.BACK_OFF));
				AutosizeState state = controls.state("dataSource");
				assertThat(state.decisions().get(0).reason()).contains("did not help, measured twice: the server is the bottleneck");
				assertThat(pool.getMaximumPoolSize()).isLessThan(12);
				assertThat(state.decisions().get(0).action()).isEqualTo(Action.BACK_OFF);
			}
		});
	}

	@Test
	void eachPoolHasItsOwnSwitchAndWorkerCountDerivesFloorAndCeiling() {
		MetricsContexts.runner()
			.withConfiguration(AutoConfigurations.of(AutosizeAutoConfiguration.class))
			.withBean("orders", HikariDataSource.class, PostgresServer::unstartedPool)
			.withBean("reports", HikariDataSource.class, PostgresServer::unstartedPool)
			.withPropertyValues("db.pool.monitor.enabled=false", "db.pool.datasources.orders.worker-count=40",
					"db.pool.datasources.orders.autosize.enabled=true")
			.run((context) -> {
				AutosizeControls controls = context.getBean(AutosizeControls.class);
				assertThat(controls.state("reports")).isNull();
				AutosizeState orders = controls.state("orders");
				assertThat(orders.floor()).isEqualTo(4);
				assertThat(orders.ceiling()).isEqualTo(20);
				assertThat(context.getBean("orders", HikariDataSource.class).getMaximumPoolSize()).isEqualTo(4);
				assertThat(context.getBean("reports", HikariDataSource.class).getMaximumPoolSize()).isEqualTo(20);
			});
	}

	@Test
	void aManualResizeThroughTheEndpointPausesTheControllerAndSaysForHowLong() {
		this.contextRunner.withConfiguration(AutoConfigurations.of(DbPoolEndpointAutoConfiguration.class))
			.withPropertyValues("db.pool.application-name=autosize-pause", "db.pool.endpoint.resize-enabled=true",
					"management.endpoints.web.exposure.include=dbpool")
			.run((context) -> {
				HikariDataSource pool = context.getBean(HikariDataSource.class);
				DbPoolEndpoint endpoint = context.getBean(DbPoolEndpoint.class);
				await().atMost(AT_MOST).until(() -> pool.getMaximumPoolSize() == 2);
				ResizeDescriptor resize = endpoint.resize("dataSource", 3, 5);
				assertThat(resize.outcome()).isEqualTo(ResizeDescriptor.Outcome.APPLIED);
				assertThat(resize.autosize()).startsWith("Autosize paused for 5m (until ")
					.endsWith("then moves the maximum between size 3 and 8.");
				try (Load load = Load.start(pool, 12, "SELECT pg_sleep(0.01)")) {
					await().during(Duration.ofSeconds(1)).atMost(AT_MOST).until(() -> pool.getMaximumPoolSize() == 8);
				}
				AutosizeState state = endpoint.pools().pools().get("dataSource").autosize();
				assertThat(state.mode()).isEqualTo("PAUSED");
				assertThat(state.pausedUntil()).isNotNull();
				assertThat(state.ceiling()).isEqualTo(8);
			});
	}

}
