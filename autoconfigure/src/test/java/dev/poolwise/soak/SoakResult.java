package dev.poolwise.soak;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;

import dev.poolwise.soak.LedgerCall.Outcome;

/**
 * What a soak did and found: the schedule, the journal, the checks, and the numbers the report shows.
 */
public final class SoakResult {

	private final SoakSettings settings;

	private final long origin;

	private final long loadStart;

	private final long loadEnd;

	private final List<Injection> injections;

	private final List<LedgerCall> journal;

	private final Ledger.State ledger;

	private final Checks checks;

	private final List<Check> results;

	private final Deployment.ReplicaReads replicaReads;

	SoakResult(SoakSettings settings, long origin, long loadStart, long loadEnd, List<Injection> injections,
			List<LedgerCall> journal, Ledger.State ledger, Checks checks, List<Check> results,
			Deployment.ReplicaReads replicaReads) {
		this.settings = settings;
		this.origin = origin;
		this.loadStart = loadStart;
		this.loadEnd = loadEnd;
		this.injections = injections;
		this.journal = journal;
		this.ledger = ledger;
		this.checks = checks;
		this.results = results;
		this.replicaReads = replicaReads;
	}

	public SoakSettings settings() {
		return this.settings;
	}

	public List<Check> checks() {
		return this.results;
	}

	/**
	 * The checks that did not hold.
	 * @return those checks, empty when the soak passed
	 */
	public List<Check> failedChecks() {
		return this.results.stream().filter((check) -> !check.passed()).toList();
	}

	public List<Injection> injections() {
		return this.injections;
	}

	/**
	 * How long the load ran, faults, settling and all.
	 * @return the time from the first call to the stop
	 */
	public Duration loadDuration() {
		return Duration.ofNanos(this.loadEnd - this.loadStart);
	}

	/**
	 * Acknowledged transfers not on the primary at the end.
	 * @return how many
	 */
	public long lostWrites() {
		return this.journal.stream()
			.filter((call) -> call.write() && call.outcome() == Outcome.ACKNOWLEDGED)
			.filter((call) -> this.ledger.rows(call.id()) == 0)
			.count();
	}

	/**
	 * Transfer ids with more than one row on the primary at the end, whatever their caller was told.
	 * @return how many
	 */
	public long duplicatedWrites() {
		return this.ledger.rows().values().stream().filter((rows) -> rows > 1).count();
	}

	/**
	 * Acknowledged read-backs of a writer's own acknowledged transfer that did not see it.
	 * @return how many
	 */
	public long staleOwnWriteReads() {
		return this.checks.staleReadBacks().size();
	}

	/**
	 * The share of successful reads (reads of the total and read-backs) that a standby served, by the port in
	 * each read's answer.
	 * @return between 0 and 1
	 */
	public double replicaShare() {
		long reads = calls((call) -> !call.write() && !call.failed());
		return (reads == 0) ? 0 : (double) calls((call) -> !call.write() && !call.failed() && this.checks.onStandby(call))
				/ reads;
	}

	/**
	 * The share of read-only transactions Poolwise's routing sent to a replica ({@code db.pool.replica.reads}).
	 * @return between 0 and 1
	 */
	public double routedToReplicaShare() {
		return (this.replicaReads.all() == 0) ? 0 : (double) this.replicaReads.replica() / this.replicaReads.all();
	}

	Deployment.ReplicaReads replicaReads() {
		return this.replicaReads;
	}

	public long calls(Predicate<LedgerCall> which) {
		return this.journal.stream().filter(which).count();
	}

	/**
	 * The longest time without a successful call of one kind: between two successes, or between the start
	 * or end of the load and the nearest success.
	 * @param write transfers, else reads
	 * @return the window
	 */
	public Window longestWithout(boolean write) {
		List<Long> ends = this.journal.stream()
			.filter((call) -> call.write() == write && !call.failed())
			.map(LedgerCall::end)
			.sorted()
			.toList();
		long from = this.loadStart;
		Window longest = new Window(0, this.loadStart, this.loadStart);
		List<Long> marks = new ArrayList<>(ends);
		marks.add(this.loadEnd);
		for (long mark : marks) {
			if (mark - from > longest.nanos()) {
				longest = new Window(mark - from, from, mark);
			}
			from = mark;
		}
		return longest;
	}

	/**
	 * Names of the faults whose windows a span of time overlaps.
	 */
	String faultsDuring(Window window) {
		List<String> names = this.injections.stream()
			.filter((injection) -> injection.start() <= window.to() && injection.windowEnd() >= window.from())
			.map((injection) -> "#" + injection.number() + " " + injection.fault().name())
			.toList();
		return names.isEmpty() ? "no fault" : String.join(", ", names);
	}

	/**
	 * Per fault: injections, calls counted under them, failed calls by class; calls in no fault's window
	 * under {@code none}.
	 * @return rows in the order of the settings' fault list
	 */
	public Map<String, FaultStatistics> byFault() {
		Map<String, FaultStatistics> rows = new LinkedHashMap<>();
		for (Fault fault : this.settings.faults()) {
			rows.put(fault.name(), new FaultStatistics());
		}
		rows.put(NONE, new FaultStatistics());
		for (Injection injection : this.injections) {
			rows.get(injection.fault().name()).injected++;
		}
		for (LedgerCall call : this.journal) {
			Optional<Injection> injection = this.checks.attribution(call);
			FaultStatistics row = rows.get(injection.map((found) -> found.fault().name()).orElse(NONE));
			row.calls++;
			if (call.failed()) {
				row.failed++;
				FailureClass failureClass = (call.failure() != null) ? FailureClass.of(call.failure()) : null;
				row.failures.merge((failureClass != null) ? failureClass.name() : "undocumented", 1, Integer::sum);
			}
		}
		return rows;
	}

	static final String NONE = "none (outside every fault's window)";

	long origin() {
		return this.origin;
	}

	/**
	 * A span of time.
	 *
	 * @param nanos its length
	 * @param from its start, {@link System#nanoTime()}
	 * @param to its end
	 */
	public record Window(long nanos, long from, long to) {

		public Duration duration() {
			return Duration.ofNanos(this.nanos);
		}

	}

	/**
	 * One row of the per-fault table.
	 */
	public static final class FaultStatistics {

		int injected;

		long calls;

		long failed;

		final Map<String, Integer> failures = new TreeMap<>();

		public int injected() {
			return this.injected;
		}

		public long calls() {
			return this.calls;
		}

		public long failed() {
			return this.failed;
		}

		public Map<String, Integer> failures() {
			return this.failures;
		}

	}

}
