package dev.poolwise.failover;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import com.zaxxer.hikari.SQLExceptionOverride;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The verdicts of {@link ReadOnlyEviction}, and when it empties the pool.
 */
class ReadOnlyEvictionTests {

	private final List<String> poolEvictions = new ArrayList<>();

	private final ReadOnlyEviction eviction = new ReadOnlyEviction(null, this.poolEvictions::add);

	@Test
	void readOnlyTransactionEvictsTheConnectionAndThePool() {
		assertThat(this.eviction.adjudicate(new SQLException("read-only", "25006")))
			.isEqualTo(SQLExceptionOverride.Override.MUST_EVICT);
		assertThat(this.poolEvictions).containsExactly("25006");
	}

	@Test
	void lostConnectionKeepsHikarisVerdictAndEvictsThePool() {
		assertThat(this.eviction.adjudicate(new SQLException("I/O error", "08006")))
			.isEqualTo(SQLExceptionOverride.Override.CONTINUE_EVICT);
		assertThat(this.poolEvictions).containsExactly("08006");
	}

	@Test
	void aSessionEndedOnTheServerCostsOnlyItsOwnConnection() {
		assertThat(this.eviction.adjudicate(new SQLException("terminating connection", "57P01")))
			.isEqualTo(SQLExceptionOverride.Override.CONTINUE_EVICT);
		assertThat(this.poolEvictions).isEmpty();
	}

	@Test
	void applicationErrorsLeaveThePoolAlone() {
		assertThat(this.eviction.adjudicate(new SQLException("duplicate key", "23505")))
			.isEqualTo(SQLExceptionOverride.Override.CONTINUE_EVICT);
		assertThat(this.eviction.adjudicate(new SQLException("no state")))
			.isEqualTo(SQLExceptionOverride.Override.CONTINUE_EVICT);
		assertThat(this.poolEvictions).isEmpty();
	}

	@Test
	void applicationOverrideIsAskedFirstAndItsVerdictWins() {
		SQLExceptionOverride keepEverything = new SQLExceptionOverride() {

			@java.lang.Override
			public SQLExceptionOverride.Override adjudicate(SQLException ex) {
				return SQLExceptionOverride.Override.DO_NOT_EVICT;
			}

		};
		ReadOnlyEviction composed = new ReadOnlyEviction(keepEverything, this.poolEvictions::add);
		assertThat(composed.adjudicate(new SQLException("read-only", "25006")))
			.isEqualTo(SQLExceptionOverride.Override.DO_NOT_EVICT);
		assertThat(this.poolEvictions).isEmpty();
	}

	@Test
	void applicationOverrideThatDefersLeavesTheVerdictToPoolwise() {
		ReadOnlyEviction composed = new ReadOnlyEviction(new SQLExceptionOverride() {
		}, this.poolEvictions::add);
		assertThat(composed.adjudicate(new SQLException("read-only", "25006")))
			.isEqualTo(SQLExceptionOverride.Override.MUST_EVICT);
	}

}
