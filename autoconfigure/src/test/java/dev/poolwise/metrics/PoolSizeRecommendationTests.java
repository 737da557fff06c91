package dev.poolwise.metrics;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class PoolSizeRecommendationTests {

	@ParameterizedTest(name = "{0} acquisitions, {1} returns held {2}s in {3}s -> L={4}, size {5}")
	@CsvSource({
			// idle pool: never below one connection
			"0, 0, 0, 15, 0, 1",
			// 10/s x 0.1s = 1 busy -> 1.5 -> 2
			"150, 150, 15, 15, 1, 2",
			// 10/s x 0.2s = 2 busy -> exactly 3, not 4 through binary fractions
			"150, 150, 30, 15, 2, 3",
			// 20/s x 0.2s = 4 busy -> 6
			"300, 300, 60, 15, 4, 6",
			// 1000/s x 50ms = 50 busy -> 75
			"60000, 60000, 3000, 60, 50, 75",
			// rare, short use still needs one connection
			"3, 3, 0.03, 15, 0.002, 1",
			// a little over a whole number rounds up: 7/s x 0.5s = 3.5 -> 5.25 -> 6
			"105, 105, 52.5, 15, 3.5, 6",
			// connections handed out but none returned yet: no usage measured
			"5, 0, 0, 15, 0, 1",
			// returns of connections taken in the previous window use their mean hold time
			"10, 20, 40, 10, 2, 3" })
	void recommendsLittlesLawLoadWithHeadroomRoundedUp(long acquisitions, long usages, double usageSeconds,
			long windowSeconds, double connectionsInUse, int recommended) {
		PoolSizeRecommendation recommendation = new PoolSizeRecommendation(acquisitions, usages, usageSeconds,
				Duration.ofSeconds(windowSeconds));
		assertThat(recommendation.connectionsInUse()).isCloseTo(connectionsInUse, within(1e-9));
		assertThat(recommendation.recommendedSize()).isEqualTo(recommended);
	}

	@ParameterizedTest(name = "size {0}, max {1} -> {2}")
	@CsvSource(delimiter = '|', value = {
			"2 | 4 | The pool is too small for this load: raise db.pool.size + db.pool.overflow to at least 6 "
					+ "within the connection budget, or hold connections for less time.",
			"4 | 10 | consider db.pool.size=6.",
			"6 | 10 | The permanent connections cover this load.",
			"20 | 30 | The permanent connections cover this load; db.pool.size=6 would free server slots." })
	void explainsTheNumbersAndWhatToChange(int size, int maxPoolSize, String advice) {
		PoolSizeRecommendation recommendation = new PoolSizeRecommendation(300, 300, 60, Duration.ofSeconds(15));
		assertThat(recommendation.explain(size, maxPoolSize, 0.25))
			.startsWith("In the last 15s borrows arrived at 20.00/s and each connection was held 0.200s on average, "
					+ "so 4.00 were needed on average (Little's law: L = λ × W). With 1.5× headroom for bursts it "
					+ "needs 6. It allows " + maxPoolSize + " (" + size + " permanent) and 25% are in use now. ")
			.endsWith(advice);
	}

	@Test
	void callersTurnedAwayCountAsDemandSoASaturatedPoolIsNotReadAsItsOwnCeiling() {
		// a pool of 4, all in use for 1 s each: 4 served per second, 6 more callers waiting at the end
		PoolSizeRecommendation recommendation = new PoolSizeRecommendation(60, 40, 40, Duration.ofSeconds(10),
				new PoolSizeRecommendation.Pressure(20, 6, 4, null, null, null));
		assertThat(recommendation.connectionsInUse()).isEqualTo(10);
		assertThat(recommendation.recommendedSize()).isEqualTo(15);
		assertThat(recommendation.explain(4, 4, 1.0)).contains("20 borrow(s) timed out or were turned away in the window and 6 caller(s) "
				+ "were waiting at its end with 4 connection(s) in use, so the demand is at least 10")
			.endsWith("raise db.pool.size + db.pool.overflow to at least 15 within the connection budget, or hold "
					+ "connections for less time.");
	}

	@Test
	void whenMostConnectionsInUseSitIdleInATransactionShorterTransactionsAreTheAdviceNotMoreConnections() {
		PoolSizeRecommendation recommendation = new PoolSizeRecommendation(60, 40, 40, Duration.ofSeconds(10),
				new PoolSizeRecommendation.Pressure(20, 6, 4, 3, 4, "3 of 4 held from `OrderService.export`, 2.0-3.1 s"));
		assertThat(recommendation.heldIdle()).isTrue();
		assertThat(recommendation.explain(4, 4, 1.0)).contains("But 3 of the application's 4 busy session(s) sit idle "
				+ "in a transaction").contains("more connections are not the fix, shorter transactions are")
			.endsWith("held now: 3 of 4 held from `OrderService.export`, 2.0-3.1 s.")
			.doesNotContain("raise db.pool.size");
	}

}
