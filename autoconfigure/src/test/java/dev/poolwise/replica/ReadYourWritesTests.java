package dev.poolwise.replica;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Read-your-writes without a server: a write costs no lookup, the next read asks once for the primary's
 * position after it, and a position that cannot be read keeps the read off the replicas.
 */
class ReadYourWritesTests {

	private final List<Long> asked = new ArrayList<>();

	private long answer = Lsn.parse("0/3000060");

	private final ReadYourWrites writes = new ReadYourWrites((nanos) -> {
		this.asked.add(nanos);
		return this.answer;
	});

	@Test
	void aThreadThatWroteNothingNeedsNoPositionAndAsksForNone() {
		assertThat(this.writes.required()).isEqualTo(Lsn.UNKNOWN);
		assertThat(this.asked).isEmpty();
	}

	@Test
	void aWriteAsksNothingAndTheNextReadAsksOnceForThePrimarysPositionAfterIt() {
		long before = System.nanoTime();
		this.writes.wrote();
		assertThat(this.asked).isEmpty();
		assertThat(this.writes.required()).isEqualTo(this.answer);
		assertThat(this.writes.required()).isEqualTo(this.answer);
		assertThat(this.asked).hasSize(1);
		assertThat(this.asked.get(0) - before).isNotNegative();
	}

	@Test
	void aPositionThatCannotBeReadKeepsTheReadOffTheReplicasAndIsAskedForAgain() {
		this.writes.wrote();
		this.answer = Lsn.UNKNOWN;
		assertThat(this.writes.required()).isEqualTo(ReadYourWrites.UNRESOLVED);
		this.answer = Lsn.parse("0/4000000");
		assertThat(this.writes.required()).isEqualTo(this.answer);
		assertThat(this.asked).hasSize(2);
	}

	@Test
	void theRequiredPositionNeverGoesBack() {
		this.writes.wrote();
		this.writes.required();
		this.writes.wrote();
		this.answer = Lsn.parse("0/1000000");
		assertThat(this.writes.required()).isEqualTo(Lsn.parse("0/3000060"));
	}

}
