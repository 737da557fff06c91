package dev.poolwise.autoconfigure.autosize;

import java.time.Duration;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.poolwise.autosize.AutosizeControls;
import dev.poolwise.replica.ReplicaSets;
import dev.poolwise.test.Load;
import dev.poolwise.test.MetricsContexts;
import dev.poolwise.test.ReplicatedServers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A read replica's pool is autosized as any pool is, with {@code db.pool.replicas.autosize.*}, while the
 * primary, which did not ask, stays fixed.
 */
class AutosizeReplicaTests {

	private static final ReplicatedServers servers = ReplicatedServers.shared();

	private final ApplicationContextRunner contextRunner = MetricsContexts.runner()
		.withConfiguration(AutoConfigurations.of(AutosizeAutoConfiguration.class))
		.withPropertyValues("spring.datasource.url=" + servers.primaryUrl(""), "spring.datasource.username=postgres",
				"db.pool.monitor.enabled=false", "db.pool.size=2", "db.pool.overflow=0",
				"db.pool.replicas.url=" + servers.standbysUrl(0), "db.pool.replicas.size=2",
				"db.pool.replicas.overflow=8", "db.pool.replicas.autosize.enabled=true",
				"db.pool.replicas.autosize.interval=300ms", "db.pool.replicas.autosize.cooldown=300ms",
				"db.pool.application-name=autosize-replica");

	@Test
	void waitingReadersGrowTheReplicaPoolWhileThePrimaryStaysFixed() {
		this.contextRunner.run((context) -> {
			HikariDataSource replica = context.getBean(ReplicaSets.class).all().iterator().next().replicas().get(0).pool();
			AutosizeControls controls = context.getBean(AutosizeControls.class);
			assertThat(controls.state("dataSource")).as("the primary asked for no autosizing").isNull();
			await().atMost(Duration.ofSeconds(30)).until(() -> replica.getMaximumPoolSize() == 2);
			try (Load load = Load.start(replica, 10, "SELECT pg_sleep(0.01)")) {
				await().atMost(Duration.ofSeconds(60)).until(() -> replica.getMaximumPoolSize() >= 5);
			}
			assertThat(controls.state(replica.getPoolName()).ceiling()).isEqualTo(10);
		});
	}

}
