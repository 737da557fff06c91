package dev.poolwise.holders;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The holders of a dry pool in one log line.
 */
class HolderGroupsTests {

	private static final StackTraceElement[] EXPORT = { new StackTraceElement("com.example.OrderService", "export",
			"OrderService.java", 42) };

	private static final StackTraceElement[] MAIL = { new StackTraceElement("com.example.MailService", "send",
			"MailService.java", 7) };

	@Test
	void holdersAreGroupedByMethodWithTheRangeOfTheirHoldsAndTheirBackendsStates() {
		List<Holder> holders = List.of(holder("http-1", 31_200, 101, EXPORT), holder("mail-1", 20_000, 103, MAIL),
				holder("http-2", 12_000, 102, EXPORT));
		Map<Integer, Backend> backends = Map.of(101, new Backend(101, "idle in transaction", 31.0, 31.1, null, null),
				102, new Backend(102, "idle in transaction", 11.9, 12.0, "Client", "ClientRead"), 103,
				new Backend(103, "active", 19.5, 19.9, "Lock", "transactionid"));
		assertThat(HolderGroups.describe(holders, backends, null)).isEqualTo(
				"2 of 3 held from `OrderService.export`, 12.0-31.2 s: 2 idle in transaction for 11.9-31.0 s "
						+ "(threads http-1 pid 101, http-2 pid 102); "
						+ "1 of 3 held from `MailService.send`, 20.0 s: running a query for 19.5 s, waiting on "
						+ "Lock:transactionid (thread mail-1 pid 103)");
	}

	@Test
	void backendsThatCouldNotBeReadAreSaidSo() {
		assertThat(HolderGroups.describe(List.of(holder("http-1", 1_000, 101, EXPORT)), Map.of(), "timeout"))
			.isEqualTo("1 of 1 held from `OrderService.export`, 1.0 s: backend not read (thread http-1 pid 101)");
		assertThat(HolderGroups.describe(List.of(holder("http-1", 1_000, 101, EXPORT)), Map.of(), null))
			.isEqualTo("1 of 1 held from `OrderService.export`, 1.0 s: no session on the server "
					+ "(thread http-1 pid 101)");
	}

	private static Holder holder(String name, long heldMillis, int pid, StackTraceElement[] stack) {
		return new Holder(new Thread(name), Duration.ofMillis(heldMillis), pid, stack);
	}

}
