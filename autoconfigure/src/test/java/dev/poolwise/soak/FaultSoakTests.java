package dev.poolwise.soak;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

import com.zaxxer.hikari.SQLExceptionOverride;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.poolwise.test.ReplicatedServers;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fault soak with a fixed seed, as CI runs it: 50 s and at least one round of every fault at random
 * under a ledger's load, then every check; and short soaks with Poolwise's failover eviction, then its
 * read-your-writes switched off, to show the check that fails without each. The long run with any seed is the benchmark's ({@code -Dbench.mode=fault-soak}).
 */
@ExtendWith(OutputCaptureExtension.class)
class FaultSoakTests {

	private static final long SEED = 20261202;

	private static final Duration DURATION = Duration.ofSeconds(50);

	private static ReplicatedServers servers;

	@BeforeAll
	static void startServers() {
		servers = ReplicatedServers.startRequiringPasswords(FaultSoak.ROLE);
	}

	@AfterAll
	static void stopServers() {
		if (servers != null) {
			servers.close();
		}
	}

	@Test
	void everyFaultAtRandomUnderLoadLosesNoAcknowledgedWriteDoublesNoneAndFailsOnlyAsDocumented(
			CapturedOutput output) throws Exception {
		SoakResult result = new FaultSoak(SoakSettings.of(SEED, DURATION)).run(servers, output::toString);
		write(result);
		assertThat(result.failedChecks()).as("failed checks of seed " + SEED).isEmpty();
		assertThat(result.injections()).extracting((injection) -> injection.fault().name())
			.as("every fault injected at least once")
			.containsAll(Faults.all().stream().map(Fault::name).toList());
		assertThat(result.lostWrites()).isZero();
		assertThat(result.duplicatedWrites()).isZero();
	}

	@Test
	void withoutFailoverEvictionASwitchoverFailsMoreCallsThanDocumented(CapturedOutput output) throws Exception {
		SoakSettings settings = SoakSettings.of(SEED, Duration.ofSeconds(1))
			.withFaults(List.of(new Switchover()))
			.withProperties("spring.datasource.hikari.exception-override-class-name="
					+ KeepReadOnlyConnections.class.getName());
		SoakResult result = new FaultSoak(settings).run(servers, output::toString);
		assertThat(result.failedChecks()).extracting(Check::name)
			.containsExactly("no fault failed more calls on lent connections than documented");
		assertThat(result.lostWrites()).isZero();
	}

	@Test
	void withoutReadYourWritesALaggingReplicaServesWritersStaleReadsOfTheirOwnTransfers(CapturedOutput output)
			throws Exception {
		SoakSettings settings = SoakSettings.of(SEED, Duration.ofSeconds(1))
			.withFaults(List.of(new LaggingReplica()))
			.withProperties("db.pool.replicas.read-your-writes=false");
		SoakResult result = new FaultSoak(settings).run(servers, output::toString);
		assertThat(result.failedChecks()).extracting(Check::name)
			.containsExactly("every writer read its acknowledged transfer back (read-your-writes)");
		assertThat(result.staleOwnWriteReads()).isPositive();
		assertThat(result.lostWrites()).isZero();
	}

	private static void write(SoakResult result) throws IOException {
		Path report = Paths.get("target", "fault-soak", "fault-soak-" + result.settings().seed() + ".md");
		Files.createDirectories(report.getParent());
		Files.writeString(report, "## Fault soak\n\n" + SoakReport.markdown(result));
	}

	/**
	 * An application override that keeps connections answering {@code 25006}, which switches Poolwise's
	 * failover eviction off: the application's verdict comes first.
	 */
	public static class KeepReadOnlyConnections implements SQLExceptionOverride {

		@java.lang.Override
		public SQLExceptionOverride.Override adjudicate(SQLException ex) {
			return "25006".equals(ex.getSQLState()) ? SQLExceptionOverride.Override.DO_NOT_EVICT
					: SQLExceptionOverride.Override.CONTINUE_EVICT;
		}

	}

}
