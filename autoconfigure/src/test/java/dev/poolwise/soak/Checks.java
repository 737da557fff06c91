package dev.poolwise.soak;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import dev.poolwise.soak.LedgerCall.Kind;
import dev.poolwise.soak.LedgerCall.Outcome;

/**
 * The soak's end-of-run assertions over the client's journal, the ledger on the primary and the faults'
 * windows. Each can fail; none relies on a retry or a constraint to pass.
 */
final class Checks {

	private static final int SHOWN = 5;

	private final List<LedgerCall> journal;

	private final List<Injection> injections;

	private final Ledger.State ledger;

	private final Primaries primaries;

	private final int loadThreads;

	private final long origin;

	Checks(List<LedgerCall> journal, List<Injection> injections, Ledger.State ledger, Primaries primaries,
			int loadThreads, long origin) {
		this.journal = journal;
		this.injections = injections;
		this.ledger = ledger;
		this.primaries = primaries;
		this.loadThreads = loadThreads;
		this.origin = origin;
	}

	List<Check> ledgerChecks() {
		List<Check> checks = new ArrayList<>();
		checks.add(check("total conserved", this.ledger.total() == Ledger.TOTAL,
				"total " + this.ledger.total() + ", expected " + Ledger.TOTAL));
		List<String> badReads = this.journal.stream()
			.filter((call) -> call.kind() == Kind.READ && !call.failed() && call.total() != Ledger.TOTAL)
			.map((call) -> "at " + at(call.end()) + " read " + call.total() + " on :" + call.port())
			.toList();
		checks.add(check("every read saw the total", badReads.isEmpty(), reads() + " reads", badReads));
		List<LedgerCall> readBacks = this.journal.stream()
			.filter((call) -> call.kind() == Kind.READ_BACK && !call.failed())
			.toList();
		checks.add(check("every writer read its acknowledged transfer back (read-your-writes)",
				staleReadBacks().isEmpty(), readBacks.size() + " read-backs, "
						+ readBacks.stream().filter(this::onStandby).count() + " of them on the standby",
				staleReadBacks()));
		List<String> unbalanced = new ArrayList<>();
		for (Map.Entry<Integer, Long> account : this.ledger.balances().entrySet()) {
			long expected = Ledger.OPENING_BALANCE + this.ledger.moved().getOrDefault(account.getKey(), 0L);
			if (account.getValue() != expected) {
				unbalanced.add("account " + account.getKey() + " holds " + account.getValue() + ", its transfers say "
						+ expected);
			}
		}
		checks.add(check("every balance matches the transfer rows (no half-applied transaction)", unbalanced.isEmpty(),
				this.ledger.balances().size() + " accounts", unbalanced));
		checks.add(rows("every acknowledged transfer present exactly once", Outcome.ACKNOWLEDGED, 1, 1));
		checks.add(rows("every unknown-outcome transfer present at most once", Outcome.UNKNOWN, 0, 1));
		checks.add(rows("no transfer that failed before COMMIT present", Outcome.FAILED, 0, 0));
		Set<Long> attempted = this.journal.stream().filter(LedgerCall::write).map(LedgerCall::id)
			.collect(Collectors.toSet());
		List<String> strangers = this.ledger.rows().keySet().stream().filter((id) -> !attempted.contains(id))
			.map((id) -> "id " + id).toList();
		checks.add(check("no transfer row the client never attempted", strangers.isEmpty(),
				this.ledger.rows().size() + " ids on the primary", strangers));
		List<String> notPrimary = this.journal.stream()
			.filter((call) -> call.write() && call.outcome() == Outcome.ACKNOWLEDGED)
			.filter((call) -> !this.primaries.wasPrimary(call.port(), call.start(), call.end()))
			.map((call) -> "id " + call.id() + " committed by :" + call.port() + " at " + at(call.end()))
			.toList();
		checks.add(check("no write accepted by a server that was not the primary", notPrimary.isEmpty(),
				"servers that committed: " + this.journal.stream().filter((call) -> call.port() != 0)
					.map(LedgerCall::port).collect(Collectors.toCollection(TreeSet::new)),
				notPrimary));
		return checks;
	}

	/**
	 * Read-backs that did not see the transfer their writer had just been told was committed.
	 */
	List<String> staleReadBacks() {
		return this.journal.stream()
			.filter((call) -> call.kind() == Kind.READ_BACK && !call.failed() && call.total() < 1)
			.map((call) -> "transfer " + call.id() + " not seen by its read-back on :" + call.port() + " at "
					+ at(call.end()))
			.toList();
	}

	/**
	 * Whether a successful read was served by a server that was not the primary during the call: a standby.
	 */
	boolean onStandby(LedgerCall call) {
		return !call.write() && !call.failed() && !this.primaries.wasPrimary(call.port(), call.start(), call.end());
	}

	private Check rows(String name, Outcome outcome, int min, int max) {
		List<LedgerCall> calls = this.journal.stream().filter((call) -> call.write() && call.outcome() == outcome)
			.toList();
		List<String> wrong = calls.stream().filter((call) -> {
			int rows = this.ledger.rows(call.id());
			return rows < min || rows > max;
		}).map((call) -> "id " + call.id() + ": " + this.ledger.rows(call.id()) + " rows").toList();
		long present = calls.stream().filter((call) -> this.ledger.rows(call.id()) > 0).count();
		return check(name, wrong.isEmpty(), calls.size() + " calls, " + present + " present", wrong);
	}

	/**
	 * Every failed call has a class the fault active at its end documents, and ended inside that fault's
	 * window; where a fault bounds the calls it may fail on lent connections, no injection exceeds it.
	 */
	List<Check> failureChecks() {
		List<String> unexplained = new ArrayList<>();
		Map<Injection, Integer> stale = new LinkedHashMap<>();
		for (LedgerCall call : this.journal) {
			if (!call.failed()) {
				continue;
			}
			Optional<Injection> cause = cause(call);
			if (cause.isEmpty()) {
				unexplained.add(describe(call));
			}
			else if (FailureClass.of(failure(call)) != FailureClass.POOL_TIMEOUT) {
				stale.merge(cause.get(), 1, Integer::sum);
			}
		}
		List<Check> checks = new ArrayList<>();
		checks.add(check("every failed call is a documented failure of the fault active then, inside its window",
				unexplained.isEmpty(), failures() + " failed calls", unexplained));
		List<String> exceeded = new ArrayList<>();
		for (Injection injection : this.injections) {
			OptionalInt limit = injection.fault().staleFailureLimit(this.loadThreads);
			int count = stale.getOrDefault(injection, 0);
			if (limit.isPresent() && count > limit.getAsInt()) {
				exceeded.add("#" + injection.number() + " " + injection.fault().name() + ": " + count
						+ " failed calls on lent connections, documented at most " + limit.getAsInt());
			}
		}
		checks.add(check("no fault failed more calls on lent connections than documented", exceeded.isEmpty(),
				stale.values().stream().mapToInt(Integer::intValue).sum() + " such calls", exceeded));
		return checks;
	}

	/**
	 * The latest injection whose window holds the call's end and whose documented classes include its failure.
	 */
	Optional<Injection> cause(LedgerCall call) {
		FailureClass failureClass = FailureClass.of(failure(call));
		return this.injections.stream()
			.filter((injection) -> injection.covers(call))
			.filter((injection) -> failureClass != null
					&& injection.fault().failures().contains(failureClass))
			.max(Comparator.comparingLong(Injection::start));
	}

	/**
	 * The injection a call is counted under in the report: the cause of a failure, else the latest injection
	 * whose window the call overlaps.
	 */
	Optional<Injection> attribution(LedgerCall call) {
		if (call.failed()) {
			return cause(call);
		}
		return this.injections.stream()
			.filter((injection) -> injection.overlaps(call))
			.max(Comparator.comparingLong(Injection::start));
	}

	private static SQLException failure(LedgerCall call) {
		SQLException failure = call.failure();
		if (failure == null) {
			throw new IllegalArgumentException("call did not fail");
		}
		return failure;
	}

	private String describe(LedgerCall call) {
		SQLException failure = failure(call);
		Set<String> active = new HashSet<>();
		for (Injection injection : this.injections) {
			if (injection.overlaps(call)) {
				active.add("#" + injection.number() + " " + injection.fault().name());
			}
		}
		String what = switch (call.kind()) {
			case TRANSFER -> "transfer " + call.id();
			case READ -> "read";
			case READ_BACK -> "read-back of " + call.id();
		};
		return what + " ended at " + at(call.end()) + " after "
				+ (call.end() - call.start()) / 1_000_000 + " ms: " + failure.getClass().getSimpleName() + " "
				+ failure.getSQLState() + " (" + FailureClass.of(failure) + ") " + failure.getMessage()
				+ "; faults then: "
				+ (active.isEmpty() ? "none" : active);
	}

	private long reads() {
		return this.journal.stream().filter((call) -> call.kind() == Kind.READ).count();
	}

	private long failures() {
		return this.journal.stream().filter(LedgerCall::failed).count();
	}

	private String at(long nanos) {
		return String.format("%.3f s", (nanos - this.origin) / 1e9);
	}

	static Check check(String name, boolean passed, String detail) {
		return new Check(name, passed, detail);
	}

	static Check check(String name, boolean passed, String summary, List<String> offenders) {
		if (offenders.isEmpty()) {
			return new Check(name, passed, summary);
		}
		String shown = String.join("; ", offenders.subList(0, Math.min(SHOWN, offenders.size())));
		return new Check(name, passed, summary + "; " + offenders.size() + " offending: " + shown
				+ ((offenders.size() > SHOWN) ? "; ..." : ""));
	}

}
