package dev.poolwise.autoconfigure.warmup;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.poolwise.autoconfigure.PoolwiseAutoConfiguration;
import dev.poolwise.test.PostgresServer;
import dev.poolwise.warmup.PoolWarmupIndicator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code dbPoolWarm} component: registered per tuned pool with its {@code db.pool.warmup.timeout}, and
 * how long a started context takes to be warm with size 5 and 20.
 */
class PoolWarmupAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, PoolwiseAutoConfiguration.class,
				PoolWarmupAutoConfiguration.class))
		.withPropertyValues(PostgresServer.datasourceProperties())
		.withPropertyValues("db.pool.overflow=0");

	@Test
	void aNegativeWarmupTimeoutFailsStartupNamingTheKey() {
		this.contextRunner.withPropertyValues("db.pool.warmup.timeout=-5s").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("db.pool.warmup.timeout=-5s is invalid: must not be negative");
		});
	}

	@Test
	void contextWithSizeFiveIsReadyOnceFiveConnectionsAreOpen() {
		readyOnceWarm(5);
	}

	@Test
	void contextWithSizeTwentyIsReadyOnceTwentyConnectionsAreOpen() {
		readyOnceWarm(20);
	}

	private void readyOnceWarm(int size) {
		long start = System.nanoTime();
		this.contextRunner.withPropertyValues("db.pool.size=" + size, "db.pool.application-name=warmup-" + size)
			.run((context) -> {
				HealthIndicator indicator = context.getBean("dbPoolWarmHealthContributor", PoolWarmupIndicator.class);
				await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(5))
					.until(() -> indicator.health().getStatus().equals(Status.UP));
				Duration ready = Duration.ofNanos(System.nanoTime() - start);
				System.out.println("WARMUP size=" + size + ": ready " + ready.toMillis() + " ms after the context "
						+ "started, pool warm " + indicator.health().getDetails().get("warmedUpMillis")
						+ " ms after the indicator was created");
				assertThat(indicator.health().getDetails()).containsKey("warmedUpMillis");
				assertThat(PostgresServer.sessions("warmup-" + size)).isGreaterThanOrEqualTo(size);
			});
	}

	@Test
	void eachPoolGetsItsOwnTimeout() {
		this.contextRunner.withPropertyValues("db.pool.warmup.timeout=0s")
			.run((context) -> assertThat(context.getBean("dbPoolWarmHealthContributor", PoolWarmupIndicator.class)
				.health()
				.getStatus()).isEqualTo(Status.UP));
	}

	@Test
	void canBeSwitchedOff() {
		this.contextRunner.withPropertyValues("management.health.dbpoolwarm.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean("dbPoolWarmHealthContributor"));
	}

	@Test
	void withoutSpringBootHealthThereIsNoIndicator() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(HealthIndicator.class))
			.run((context) -> assertThat(context).doesNotHaveBean("dbPoolWarmHealthContributor"));
	}

}
