package dev.poolwise.budget;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.poolwise.budget.FleetShare.Claim;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fairness rule, with the numbers of a fleet of three instances of size 5 on a server that leaves 41
 * connections to the application's pools.
 */
class FleetShareTests {

	@Test
	void aBusyInstanceBorrowsWhatIdleInstancesLeaveUnused() {
		FleetShare share = FleetShare.of(41, 1, new Claim(5, 5, 45), List.of(new Claim(5, 5, 5), new Claim(5, 5, 5)),
				15, 5);
		assertThat(share.instances()).isEqualTo(3);
		assertThat(share.guaranteed()).isEqualTo(5 + (41 - 15) / 3);
		assertThat(share.allowed()).isEqualTo(31);
	}

	@Test
	void theBorrowerYieldsDownToWhatTheOthersWantOfTheirGuaranteedShare() {
		FleetShare share = FleetShare.of(41, 1, new Claim(5, 31, 35),
				List.of(new Claim(5, 5, 9), new Claim(5, 5, 45)), 41, 31);
		assertThat(share.reserved()).isEqualTo(9 + 13);
		assertThat(share.allowed()).isEqualTo(41 - 22);
	}

	@Test
	void sessionsOfInstancesThatClaimNothingAreReservedForThem() {
		FleetShare share = FleetShare.of(41, 1, new Claim(5, 5, 45), List.of(), 25, 5);
		assertThat(share.reserved()).isEqualTo(20);
		assertThat(share.allowed()).isEqualTo(21);
	}

	@Test
	void configuredInstancesNotSeenYetShareTheGuaranteeAndTheFloorIsAlwaysAllowed() {
		FleetShare share = FleetShare.of(12, 4, new Claim(5, 5, 45), List.of(new Claim(5, 20, 20)), 25, 5);
		assertThat(share.instances()).isEqualTo(4);
		assertThat(share.guaranteed()).isEqualTo(5);
		assertThat(share.allowed()).isEqualTo(5);
	}

}
