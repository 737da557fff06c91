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

	private final WalTimeline timeline = new WalTimeline(4);

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
	void aReplicaBehindEverySampleKeptIsBehindByTheOldest() {
		for (int i = 0; i < 6; i++) {
			this.timeline.record(i * SECOND, 100 + i);
		}
		assertThat(this.timeline.lag(0, 6 * SECOND)).isEqualTo(Duration.ofSeconds(4));
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
