package dev.poolwise.autoconfigure.autosize;

import java.time.Duration;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.poolwise.autosize.AutosizeControls;
import dev.poolwise.autosize.AutosizeState;
import dev.poolwise.autosize.Decision.Action;
import dev.poolwise.pool.PoolStatistics;
import dev.poolwise.test.Load;
import dev.poolwise.test.MetricsContexts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The ramp with the defaults ({@code interval=1s}, {@code step=2}) on a real, idle server where connections
 * help: 40 callers each holding a connection 50ms against a pool of size 2 and ceiling 40, arriving once the
 * controller has measured its first (idle) tick, as a spike meets a running application. The bound is
 * generous for shared machines; the times measured are printed, and are the ones
 * {@code docs/autosizing.md} quotes.
 */
class AutosizeRampTests {

	private static final Duration AT_MOST = Duration.ofSeconds(40);

	private final ApplicationContextRunner contextRunner = MetricsContexts.runner()
		.withConfiguration(AutoConfigurations.of(AutosizeAutoConfiguration.class))
		.withPropertyValues("db.pool.size=2", "db.pool.overflow=38", "db.pool.monitor.enabled=false",
				"db.pool.autosize.enabled=true", "db.pool.application-name=autosize-ramp");

	@Test
	void withTheDefaultsAPoolWhereConnectionsHelpRampsToTheDemand() {
		this.contextRunner.run((context) -> {
			HikariDataSource pool = context.getBean(HikariDataSource.class);
			AutosizeControls controls = context.getBean(AutosizeControls.class);
			await().atMost(AT_MOST).until(() -> !controls.state("dataSource").mode().equals("MEASURING"));
			assertThat(pool.getMaximumPoolSize()).isEqualTo(2);
			long start = System.nanoTime();
			try (Load load = Load.start(pool, 40, "SELECT pg_sleep(0.05)")) {
				await().atMost(AT_MOST).until(() -> PoolStatistics.of(pool).total() >= 36);
				double open36 = (System.nanoTime() - start) / 1e9;
				await().atMost(AT_MOST).until(() -> PoolStatistics.of(pool).total() == 40);
				double open40 = (System.nanoTime() - start) / 1e9;
				System.out.printf("Autosize ramp with the defaults, 40 callers holding 50ms, size 2, ceiling 40: "
						+ "36 open after %.1fs, 40 after %.1fs%n", open36, open40);
			}
			AutosizeState state = controls.state("dataSource");
			assertThat(state.decisions()).as("newest first: the first step at most triples the pool, the last "
					+ "reaches the demand")
				.filteredOn((change) -> change.action() == Action.GROW)
				.satisfies((steps) -> assertThat(steps.get(steps.size() - 1)).extracting(AutosizeState.Change::from,
						AutosizeState.Change::to).containsExactly(2, 6))
				.satisfies((steps) -> assertThat(steps.get(0).to()).isEqualTo(40));
			assertThat(state.decisions()).as("the first step meets the spike without waiting for the next tick")
				.filteredOn((change) -> change.action() == Action.GROW)
				.last()
				.extracting(AutosizeState.Change::reason)
				.asString()
				.contains("after callers began to wait in a calm pool");
		});
	}

}
