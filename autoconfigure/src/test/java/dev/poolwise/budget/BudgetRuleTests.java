package dev.poolwise.budget;

import java.util.List;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;

import dev.poolwise.budget.BudgetRule.Claim;
import dev.poolwise.budget.BudgetRule.FleetShare;
import dev.poolwise.registry.LivePool;
import dev.poolwise.registry.PoolTarget;
import dev.poolwise.validation.Violation;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The budget's arithmetic and words without a server: a 100-slot server with 3 slots reserved for
 * superusers and 7 connections in use leaves 90. Autosizing's fleet share is shown with a fleet of three
 * instances of size 5 on a server that leaves 41 connections to the application's pools.
 */
class BudgetRuleTests {

	private static final ConnectionBudget SERVER = new ConnectionBudget(100, 3, 0, 7);

	private static final BudgetPolicy WARN = new BudgetPolicy(3, false, "db.pool.instances", "db.pool.budget.enforce");

	private static final BudgetPolicy ENFORCE = new BudgetPolicy(3, true, "db.pool.datasources.reporting.instances",
			"db.pool.datasources.reporting.budget.enforce");

	@Test
	void aPoolThatFitsHasNoViolationAndAsCeilingWhatIsLeftPerInstance() {
		BudgetRule.Verdict verdict = new BudgetRule("dataSource", SERVER, WARN).judge(List.of(), 0, sizes(5, 20));
		assertThat(verdict.fits()).isTrue();
		assertThat(verdict.planned()).isEqualTo(60);
		assertThat(verdict.available()).isEqualTo(90);
		assertThat(verdict.ceiling()).isEqualTo(30);
		assertThat(verdict.exceeded()).isNull();
		assertThat(verdict.refusal()).isNull();
		assertThat(verdict.warning()).isNull();
	}

	@Test
	void theCeilingIsTheLargestMaximumThatStillFits() {
		BudgetRule rule = new BudgetRule("dataSource", SERVER, WARN);
		assertThat(rule.ceiling(List.of(), 0)).isEqualTo(30);
		assertThat(rule.judge(List.of(), 0, sizes(5, 30)).fits()).isTrue();
		assertThat(rule.judge(List.of(), 0, sizes(5, 31)).fits()).isFalse();
	}

	@Test
	void otherLivePoolsOfTheJvmCountThroughTheirMaximumAndAreNamed() {
		BudgetRule rule = new BudgetRule("dataSource", SERVER, WARN);
		List<LivePool> others = List.of(pool("reporting", 10));
		assertThat(rule.ceiling(others, 0)).isEqualTo(20);
		BudgetRule.Verdict verdict = rule.judge(others, 0, sizes(5, 21));
		assertThat(verdict.planned()).isEqualTo(93);
		assertThat(verdict.exceeded()).extracting(Violation::rule)
			.isEqualTo("connection budget exceeded: 3 instance(s) x 31 connections (pool 'dataSource' with 21 plus 1 "
					+ "other live pool(s) of this JVM with 10) = 93, but the server has max_connections=100 - 3 "
					+ "superuser_reserved - 0 reserved - 7 in use = 90");
	}

	@Test
	void aPoolOverTheBudgetIsAWarningUnlessTheBudgetIsEnforced() {
		BudgetRule.Verdict warned = new BudgetRule("dataSource", SERVER, WARN).judge(List.of(), 0, sizes(5, 40));
		assertThat(warned.fits()).isFalse();
		assertThat(warned.exceeded()).isNotNull();
		assertThat(warned.refusal()).isNull();
		assertThat(warned.enforceKey()).isEqualTo("db.pool.budget.enforce");
		BudgetRule.Verdict refused = new BudgetRule("reporting", SERVER, ENFORCE).judge(List.of(), 0, sizes(5, 40));
		assertThat(refused.refusal()).isSameAs(refused.exceeded()).isNotNull();
	}

	@Test
	void theMessagesNameTheKeysThatSetThePool() {
		Violation exceeded = new BudgetRule("reporting", SERVER, ENFORCE)
			.judge(List.of(), 5, new BudgetRule.Sizes("db.pool.datasources.reporting.size",
					"db.pool.datasources.reporting.overflow", 4, 20))
			.exceeded();
		assertThat(exceeded).isNotNull();
		assertThat(exceeded.property())
			.isEqualTo("db.pool.datasources.reporting.size + db.pool.datasources.reporting.overflow");
		assertThat(exceeded.value()).isEqualTo(20);
		assertThat(exceeded.rule()).startsWith("connection budget exceeded: 5 instance(s) (counted on the server; "
				+ "db.pool.datasources.reporting.instances=3) x 20 connections = 100");
		assertThat(exceeded.fix()).isEqualTo("Keep size + overflow of 'reporting' at or below 18 per instance, e.g. "
				+ "db.pool.datasources.reporting.size=4 and db.pool.datasources.reporting.overflow=14, "
				+ "or raise max_connections.");
	}

	@Test
	void hikarisMaximumPoolSizeIsTheWholePoolInTheSuggestedFix() {
		Violation exceeded = new BudgetRule("dataSource", SERVER, WARN)
			.judge(List.of(), 0, new BudgetRule.Sizes("spring.datasource.hikari.minimum-idle",
					"spring.datasource.hikari.maximum-pool-size", 40, 40))
			.exceeded();
		assertThat(exceeded).isNotNull();
		assertThat(exceeded.fix()).contains("e.g. spring.datasource.hikari.minimum-idle=30 and "
				+ "spring.datasource.hikari.maximum-pool-size=30");
	}

	@Test
	void withNoRoomLeftTheFixIsFewerInstancesAndTheCeilingIsZero() {
		BudgetRule rule = new BudgetRule("dataSource", SERVER, WARN);
		List<LivePool> others = List.of(pool("reporting", 30));
		assertThat(rule.ceiling(others, 0)).isZero();
		Violation exceeded = rule.judge(others, 0, sizes(1, 1)).exceeded();
		assertThat(exceeded).isNotNull();
		assertThat(exceeded.fix())
			.isEqualTo("Run fewer instances or pools, or raise max_connections (or put PgBouncer in front).");
	}

	@Test
	void lessThanATenthOfTheBudgetLeftIsNearlySpentAndOverItExceeded() {
		BudgetRule rule = new BudgetRule("dataSource", SERVER, WARN);
		assertThat(rule.judge(List.of(), 0, sizes(1, 27)).warning()).isNull();
		assertThat(rule.judge(List.of(), 0, sizes(1, 28)).warning())
			.isEqualTo("connection budget nearly spent: 3 instance(s) x 28 connections = 84, but the server had "
					+ "max_connections=100 - 3 superuser_reserved - 0 reserved - 7 in use = 90 at startup");
		assertThat(rule.judge(List.of(), 0, sizes(1, 31)).warning()).startsWith("connection budget exceeded: ");
	}

	@Test
	void countedInstancesPlannedInFullTakeTheirSessionsOutOfTheConnectionsInUse() {
		ConnectionBudget read = new ConnectionBudget(30, 3, 0, 8);
		BudgetPolicy one = new BudgetPolicy(1, false, "db.pool.instances", "db.pool.budget.enforce");
		BudgetRule counted = BudgetRule.measured("dataSource", "orders", read, new Fleet(2, 6), List.of(), one);
		assertThat(counted.budget().inUse()).isEqualTo(2);
		assertThat(counted.judge(List.of(), new Fleet(2, 6).counted(), sizes(2, 10)).exceeded())
			.extracting(Violation::rule)
			.asString()
			.contains("3 instance(s) (counted on the server; db.pool.instances=1) x 10 connections = 30")
			.endsWith("2 in use = 25");
		BudgetPolicy four = new BudgetPolicy(4, false, "db.pool.instances", "db.pool.budget.enforce");
		assertThat(BudgetRule.measured("dataSource", "orders", read, new Fleet(2, 6), List.of(), four).budget())
			.isEqualTo(read);
	}

	@Test
	void aBusyInstanceBorrowsWhatIdleInstancesLeaveUnused() {
		FleetShare share = BudgetRule.fleetShare(41, 1, new Claim(5, 5, 45),
				List.of(new Claim(5, 5, 5), new Claim(5, 5, 5)), 15, 5);
		assertThat(share.instances()).isEqualTo(3);
		assertThat(share.available()).isEqualTo(41 - 3);
		assertThat(share.guaranteed()).isEqualTo(5 + (38 - 15) / 3);
		assertThat(share.allowed()).isEqualTo(28);
	}

	@Test
	void theBorrowerYieldsDownToWhatTheOthersWantOfTheirGuaranteedShare() {
		FleetShare share = BudgetRule.fleetShare(41, 1, new Claim(5, 31, 35),
				List.of(new Claim(5, 5, 9), new Claim(5, 5, 45)), 41, 31);
		assertThat(share.reserved()).isEqualTo(9 + 12);
		assertThat(share.allowed()).isEqualTo(38 - 21);
	}

	@Test
	void aPoolWhoseCallersDoNotWaitLendsWhatTheOthersWantBeyondTheirShareDownToWhatItNeeds() {
		FleetShare share = BudgetRule.fleetShare(41, 1, new Claim(5, 31, 31),
				List.of(new Claim(5, 13, 40), new Claim(5, 5, 5)), 49, 31);
		assertThat(share.allowed()).isEqualTo(38 - 13 - 5);
		assertThat(share.wanted()).isEqualTo(40 - 13);
		assertThat(share.lending(31, 4)).isEqualTo(4);
		assertThat(share.lending(31, 10)).isEqualTo(10);
		assertThat(share.explain()).endsWith("others hold or claim 18, want 27 more)");
	}

	@Test
	void nothingIsLentWhileTheOthersWantNoMoreThanTheirShare() {
		FleetShare share = BudgetRule.fleetShare(41, 1, new Claim(5, 31, 31),
				List.of(new Claim(5, 5, 9), new Claim(5, 5, 5)), 41, 31);
		assertThat(share.wanted()).isZero();
		assertThat(share.lending(31, 4)).isEqualTo(share.allowed());
	}

	@Test
	void aConfiguredInstanceNotClaimingYetHasItsFloorAndItsClaimConnectionKeptFree() {
		FleetShare share = BudgetRule.fleetShare(41, 3, new Claim(5, 5, 45), List.of(new Claim(5, 5, 5)), 10, 5);
		assertThat(share.reserved()).isEqualTo(5 + (5 + 1));
		assertThat(share.allowed()).isEqualTo(38 - 11);
	}

	@Test
	void sessionsOfInstancesThatClaimNothingAreReservedForThem() {
		FleetShare share = BudgetRule.fleetShare(41, 1, new Claim(5, 5, 45), List.of(), 25, 5);
		assertThat(share.reserved()).isEqualTo(20);
		assertThat(share.allowed()).isEqualTo(40 - 20);
	}

	@Test
	void configuredInstancesNotSeenYetShareTheGuaranteeAndTheFloorIsAlwaysAllowed() {
		FleetShare share = BudgetRule.fleetShare(12, 4, new Claim(5, 5, 45), List.of(new Claim(5, 20, 20)), 25, 5);
		assertThat(share.instances()).isEqualTo(4);
		assertThat(share.guaranteed()).isEqualTo(5);
		assertThat(share.allowed()).isEqualTo(5);
	}

	private static BudgetRule.Sizes sizes(int size, int maxPoolSize) {
		return new BudgetRule.Sizes("db.pool.size", "db.pool.overflow", size, maxPoolSize);
	}

	private static LivePool pool(String name, int maxPoolSize) {
		HikariDataSource dataSource = new HikariDataSource();
		dataSource.setJdbcUrl("jdbc:postgresql://localhost:5432/app");
		dataSource.setMaximumPoolSize(maxPoolSize);
		return new LivePool(name, "context 'test'", PoolTarget.of(dataSource.getJdbcUrl(), "app"), dataSource);
	}

}
