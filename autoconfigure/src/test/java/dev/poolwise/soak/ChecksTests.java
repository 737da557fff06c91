package dev.poolwise.soak;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.poolwise.soak.LedgerCall.Kind;
import dev.poolwise.soak.LedgerCall.Outcome;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The soak's checks on journals and ledgers made up for each case, without a server: each check fails on
 * the one thing it is there to catch.
 */
class ChecksTests {

	private static final int PRIMARY = 5432;

	private static final int STANDBY = 5433;

	private final Primaries primaries = new Primaries(PRIMARY);

	private final long origin = System.nanoTime();

	private final List<LedgerCall> journal = new ArrayList<>();

	private final Map<Long, Integer> rows = new HashMap<>();

	private final List<Injection> injections = new ArrayList<>();

	@Test
	void everyCheckHoldsWhenEachAcknowledgedTransferIsThereOnce() {
		acknowledged(1, PRIMARY);
		acknowledged(2, PRIMARY);
		assertThat(checks().ledgerChecks()).allMatch(Check::passed);
		assertThat(checks().failureChecks()).allMatch(Check::passed);
	}

	@Test
	void anAcknowledgedTransferMissingOnThePrimaryFailsTheExactlyOnceCheck() {
		acknowledged(1, PRIMARY);
		this.rows.remove(1L);
		assertThat(failed(checks().ledgerChecks())).containsExactly("every acknowledged transfer present exactly once");
	}

	@Test
	void aTransferWithTwoRowsFailsTheExactlyOnceCheck() {
		acknowledged(1, PRIMARY);
		this.rows.put(1L, 2);
		assertThat(failed(checks().ledgerChecks())).containsExactly("every acknowledged transfer present exactly once");
	}

	@Test
	void aTransferThatFailedBeforeCommitButIsThereFailsItsCheck() {
		call(true, 1, Outcome.FAILED, new SQLException("terminating connection", "57P01"), 0);
		this.rows.put(1L, 1);
		assertThat(failed(checks().ledgerChecks())).containsExactly("no transfer that failed before COMMIT present");
	}

	@Test
	void aWriteCommittedByTheOldPrimaryAfterThePrimaryMovedFailsItsCheck() {
		this.primaries.movesTo(STANDBY);
		acknowledged(1, PRIMARY);
		assertThat(failed(checks().ledgerChecks()))
			.containsExactly("no write accepted by a server that was not the primary");
	}

	@Test
	void aFailureOutsideEveryFaultsWindowOrOfAnUndocumentedClassIsUnexplained() {
		long now = System.nanoTime();
		this.injections.add(Injection.of(1, new PasswordRotation(), "", now, now + 1, Duration.ofSeconds(3)));
		call(false, 0, Outcome.FAILED, new SQLException("password authentication failed", "28P01"), 0);
		assertThat(failed(checks().failureChecks()))
			.containsExactly("every failed call is a documented failure of the fault active then, inside its window");
	}

	@Test
	void aTimeoutInsideASaturationWindowIsDocumented() {
		long now = System.nanoTime();
		this.injections.add(Injection.of(1, new PoolSaturation(), "", now, now + 1, Duration.ofSeconds(3)));
		call(false, 0, Outcome.FAILED, new SQLTransientConnectionException("request timed out after 1000ms"), 0);
		assertThat(checks().failureChecks()).allMatch(Check::passed);
	}

	@Test
	void moreStaleFailuresThanAFailoverIsDocumentedToCostFailTheirCheck() {
		long now = System.nanoTime();
		this.injections.add(Injection.of(1, new Switchover(), "", now, now + 1, Duration.ofSeconds(3)));
		for (int id = 1; id <= SoakSettings.SIZE + 5 + 1; id++) {
			call(true, id, Outcome.FAILED, new SQLException("cannot execute INSERT in a read-only transaction", "25006"),
					0);
		}
		assertThat(failed(checks().failureChecks()))
			.containsExactly("no fault failed more calls on lent connections than documented");
	}

	@Test
	void aWritersReadBackThatMissesItsAcknowledgedTransferFailsTheReadYourWritesCheck() {
		acknowledged(1, PRIMARY);
		readBack(1, STANDBY, 0);
		assertThat(failed(checks().ledgerChecks()))
			.containsExactly("every writer read its acknowledged transfer back (read-your-writes)");
	}

	@Test
	void aReadBackThatSeesItsTransferOnTheStandbyHolds() {
		acknowledged(1, PRIMARY);
		readBack(1, STANDBY, 1);
		assertThat(checks().ledgerChecks()).allMatch(Check::passed);
		assertThat(checks().onStandby(this.journal.get(1))).isTrue();
	}

	@Test
	void aFailedReadDuringALaggingReplicaIsUnexplained() {
		long now = System.nanoTime();
		this.injections.add(Injection.of(1, new LaggingReplica(), "", now, now + 1, Duration.ofSeconds(3)));
		call(false, 0, Outcome.FAILED, new SQLException("An I/O error occurred", "08006"), 0);
		assertThat(failed(checks().failureChecks()))
			.containsExactly("every failed call is a documented failure of the fault active then, inside its window");
	}

	@Test
	void aFailedCallDuringARollingDeployIsUnexplained() {
		long now = System.nanoTime();
		this.injections.add(Injection.of(1, new RollingDeploy(), "", now, now + 1, Duration.ofSeconds(3)));
		call(true, 1, Outcome.FAILED, new SQLException("HikariDataSource dataSource has been closed."), 0);
		assertThat(failed(checks().failureChecks()))
			.containsExactly("every failed call is a documented failure of the fault active then, inside its window");
	}

	@Test
	void moreReadsFailedOnALostReplicaThanItsPoolLendsFailTheirCheck() {
		long now = System.nanoTime();
		this.injections.add(Injection.of(1, new LostReplica(), "", now, now + 1, Duration.ofSeconds(3)));
		for (int i = 0; i <= SoakSettings.REPLICA_SIZE; i++) {
			call(false, 0, Outcome.FAILED, new SQLException("An I/O error occurred", "08006"), 0);
		}
		assertThat(failed(checks().failureChecks()))
			.containsExactly("no fault failed more calls on lent connections than documented");
	}

	private void readBack(long id, int port, long rows) {
		long start = System.nanoTime();
		this.journal.add(new LedgerCall(Kind.READ_BACK, id, start, start + 1, Outcome.ACKNOWLEDGED, null, port, rows));
	}

	private void acknowledged(long id, int port) {
		call(true, id, Outcome.ACKNOWLEDGED, null, port);
		this.rows.merge(id, 1, Integer::sum);
	}

	private void call(boolean write, long id, Outcome outcome, SQLException failure, int port) {
		long start = System.nanoTime();
		this.journal.add(new LedgerCall(write ? Kind.TRANSFER : Kind.READ, id, start, start + 1, outcome, failure, port,
				write ? 0 : Ledger.TOTAL));
	}

	private Checks checks() {
		Map<Integer, Long> balances = new HashMap<>();
		for (int account = 1; account <= Ledger.ACCOUNTS; account++) {
			balances.put(account, Ledger.OPENING_BALANCE);
		}
		Map<Long, Integer> ports = new HashMap<>();
		Ledger.State ledger = new Ledger.State(this.rows, ports, new HashMap<>(), balances);
		return new Checks(this.journal, this.injections, ledger, this.primaries, 5, this.origin);
	}

	private static List<String> failed(List<Check> checks) {
		return checks.stream().filter((check) -> !check.passed()).map(Check::name).toList();
	}

}
