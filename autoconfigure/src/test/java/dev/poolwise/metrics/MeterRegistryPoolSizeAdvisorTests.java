package dev.poolwise.metrics;

import java.time.Duration;

import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class MeterRegistryPoolSizeAdvisorTests {

	private final MockClock clock = new MockClock();

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry(SimpleConfig.DEFAULT, this.clock);

	private final MeterRegistryPoolSizeAdvisor advisor = new MeterRegistryPoolSizeAdvisor(this.registry,
			Duration.ofSeconds(15));

	@Test
	void noRecommendationWithoutHikarisTimers() {
		this.clock.add(Duration.ofSeconds(20));
		assertThat(this.advisor.recommend("orders")).isNull();
	}

	@Test
	void eachWindowMeasuresOnlyTheLoadWithinIt() {
		Timer acquire = Timer.builder("hikaricp.connections.acquire").tag("pool", "orders").register(this.registry);
		Timer usage = Timer.builder("hikaricp.connections.usage").tag("pool", "orders").register(this.registry);
		serve(acquire, usage, 150, Duration.ofMillis(200));
		this.clock.add(Duration.ofSeconds(10));
		assertThat(this.advisor.recommend("orders")).isNull();
		this.clock.add(Duration.ofSeconds(5));
		PoolSizeRecommendation busy = this.advisor.recommend("orders");
		assertThat(busy.connectionsInUse()).isCloseTo(2.0, within(1e-9));
		assertThat(busy.recommendedSize()).isEqualTo(3);
		serve(acquire, usage, 15, Duration.ofMillis(100));
		this.clock.add(Duration.ofSeconds(14));
		assertThat(this.advisor.recommend("orders")).isSameAs(busy);
		this.clock.add(Duration.ofSeconds(1));
		PoolSizeRecommendation quiet = this.advisor.recommend("orders");
		assertThat(quiet.acquireRate()).isEqualTo(1.0);
		assertThat(quiet.recommendedSize()).isEqualTo(1);
	}

	@Test
	void poolsAreMeasuredApart() {
		Timer acquire = Timer.builder("hikaricp.connections.acquire").tag("pool", "orders").register(this.registry);
		Timer usage = Timer.builder("hikaricp.connections.usage").tag("pool", "orders").register(this.registry);
		Timer.builder("hikaricp.connections.acquire").tag("pool", "billing").register(this.registry);
		Timer.builder("hikaricp.connections.usage").tag("pool", "billing").register(this.registry);
		serve(acquire, usage, 300, Duration.ofMillis(500));
		this.clock.add(Duration.ofSeconds(15));
		assertThat(this.advisor.recommend("orders").recommendedSize()).isEqualTo(15);
		assertThat(this.advisor.recommend("billing").recommendedSize()).isEqualTo(1);
	}

	private static void serve(Timer acquire, Timer usage, int connections, Duration held) {
		for (int i = 0; i < connections; i++) {
			acquire.record(Duration.ofMillis(1));
			usage.record(held);
		}
	}

}
