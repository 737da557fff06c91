package dev.poolwise.replica;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The primary's position over time, without a server: lag by WAL position, and the sample read-your-writes
 * may use.
 */
class WalTimelineTests {

	private static final long SECOND = Duration.ofSeconds(1).toNanos();

	private final WalTimeline timeline = new WalTimeline(4, 1);

	@Test
	void aReplicaThatReplayedEverythingIsNotBehindHoweverLongThePrimaryHasBeenIdle() {
		this.timeline.record(0, 100);
		this.timeline.record(SECOND, 100);
		assertThat(this.timeline.lag(100, 60 * SECOND)).isZero();
	}

	@Test
	void aReplicaThatMissesAWriteIsBehindByTheTimeSinceThePrimaryWasFirstSeenWithIt() {
		this.timeline.record(0, 100);
		this.timeline.record(SECOND, 200);
		this.timeline.record(2 * SECOND, 300);
		assertThat(this.timeline.lag(150, 3 * SECOND)).isEqualTo(Duration.ofSeconds(2));
	}

	@Test
	void aReplicaBehindEverySampleKeptHasAnUnknownLagNotTheAgeOfTheOldest() {
		for (int i = 0; i < 6; i++) {
			this.timeline.record(i * SECOND, 100 + i);
		}
		assertThat(this.timeline.lag(0, 6 * SECOND)).isNull();
		assertThat(this.timeline.lag(102, 6 * SECOND)).isEqualTo(Duration.ofSeconds(3));
	}

	@Test
	void aReplicaBehindThePositionReadAtStartupHasAnUnknownLagHoweverRecentThatPositionIs() {
		this.timeline.record(0, 100);
		assertThat(this.timeline.lag(99, SECOND / 10)).isNull();
		assertThat(this.timeline.lag(100, SECOND / 10)).isZero();
	}

	@Test
	void theSamplesKeptCoverTheLagBoundAtTheCheckInterval() {
		WalTimeline covering = WalTimeline.covering(Duration.ofMinutes(2), Duration.ofMillis(100));
		long interval = SECOND / 10;
		for (int i = 0; i <= 1350; i++) {
			covering.record(i * interval, 1000 + i);
		}
		assertThat(covering.lag(1000 + 1350 - 1250, 1350 * interval)).isEqualTo(Duration.ofMillis(124_900));
		assertThat(covering.covered(1350 * interval)).isGreaterThan(Duration.ofMinutes(2));
	}

	@Test
	void samplesBetweenTwoChecksMoveTheLatestPositionWithoutShorteningTheTimeCovered() {
		WalTimeline spaced = new WalTimeline(3, SECOND);
		spaced.record(0, 100);
		for (int i = 1; i <= 50; i++) {
			spaced.record(i * SECOND / 100, 100 + i);
		}
		assertThat(spaced.latestSince(SECOND / 2)).isEqualTo(150);
		assertThat(spaced.covered(SECOND)).isEqualTo(Duration.ofSeconds(1));
		assertThat(spaced.lag(120, SECOND)).isEqualTo(Duration.ofMillis(500));
	}

	@Test
	void aPrimaryPositionThatGoesBackStartsTheHistoryAgainSoReplicasOfTheNewPrimaryAreNotBehindTheOldOne() {
		this.timeline.record(0, 500);
		assertThat(this.timeline.record(SECOND, 600)).isFalse();
		assertThat(this.timeline.record(2 * SECOND, 400)).as("a lossy failover").isTrue();
		assertThat(this.timeline.lag(400, 3 * SECOND)).isZero();
		this.timeline.record(3 * SECOND, 450);
		assertThat(this.timeline.lag(400, 4 * SECOND)).isEqualTo(Duration.ofSeconds(1));
	}

	@Test
	void theAgeOfTheLatestSampleSaysHowOldThePrimarysPositionIs() {
		assertThat(this.timeline.age(SECOND)).isNull();
		this.timeline.record(SECOND, 100);
		assertThat(this.timeline.age(31 * SECOND)).isEqualTo(Duration.ofSeconds(30));
	}

	@Test
	void theLatestSampleServesOnlyMomentsBeforeItBegan() {
		assertThat(this.timeline.latestSince(0)).isEqualTo(Lsn.UNKNOWN);
		this.timeline.record(5 * SECOND, 500);
		assertThat(this.timeline.latestSince(5 * SECOND)).isEqualTo(500);
		assertThat(this.timeline.latestSince(4 * SECOND)).isEqualTo(500);
		assertThat(this.timeline.latestSince(5 * SECOND + 1)).isEqualTo(Lsn.UNKNOWN);
	}

	@Test
	void momentsCompareAcrossTheNanoTimeWrap() {
		this.timeline.record(Long.MIN_VALUE + 10, 700);
		assertThat(this.timeline.latestSince(Long.MAX_VALUE - 10)).isEqualTo(700);
	}

}
