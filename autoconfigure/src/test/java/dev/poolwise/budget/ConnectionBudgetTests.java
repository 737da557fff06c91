package dev.poolwise.budget;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import org.junit.jupiter.api.Test;

import dev.poolwise.test.PostgresServer;

import static org.assertj.core.api.Assertions.assertThat;

class ConnectionBudgetTests {

	@Test
	void theUsableSlotsExpressionOfOtherQueriesAgreesWithTheSettingsReadOneByOne() throws SQLException {
		try (Connection connection = PostgresServer.connect(); Statement statement = connection.createStatement();
				ResultSet row = statement.executeQuery("SELECT " + ConnectionBudget.USABLE_SLOTS_SQL)) {
			row.next();
			ConnectionBudget budget = ConnectionBudget.read(connection);
			assertThat(row.getInt(1)).isEqualTo(budget.usable())
				.isEqualTo(budget.maxConnections() - budget.superuserReserved() - budget.reserved())
				.isPositive();
		}
	}

	@Test
	void reservedConnectionsAreNotAvailableToApplicationPools() {
		ConnectionBudget budget = new ConnectionBudget(100, 3, 7, 20);
		assertThat(budget.available()).isEqualTo(70);
		assertThat(budget.explain())
			.isEqualTo("max_connections=100 - 3 superuser_reserved - 7 reserved - 20 in use = 70");
	}

	@Test
	void beforePostgreSql16NothingButSuperuserSlotsIsReserved() {
		assertThat(new ConnectionBudget(100, 3, 0, 20).available()).isEqualTo(77);
	}

	@Test
	void reservedConnectionsDecideWhetherThePoolsOfAllInstancesFit() {
		ConnectionBudget budget = new ConnectionBudget(100, 3, 7, 20);
		assertThat(budget.fits(7, 10)).isTrue();
		assertThat(budget.fits(8, 10)).isFalse();
		assertThat(budget.maxPoolSizePerInstance(8)).isEqualTo(8);
	}

	@Test
	void aServerWhoseReservedSlotsTakeEverythingHasNoRoomAndNeverANegativeOne() {
		ConnectionBudget budget = new ConnectionBudget(20, 10, 10, 5);
		assertThat(budget.available()).isZero();
		assertThat(budget.fits(1, 1)).isFalse();
		assertThat(budget.maxPoolSizePerInstance(3)).isZero();
	}

	@Test
	void connectionsCountedElsewhereLeaveInUseButNotTheReservedSlots() {
		ConnectionBudget budget = new ConnectionBudget(100, 3, 7, 20).excluding(15);
		assertThat(budget.inUse()).isEqualTo(5);
		assertThat(budget.reserved()).isEqualTo(7);
		assertThat(budget.available()).isEqualTo(85);
		assertThat(new ConnectionBudget(100, 3, 7, 20).excluding(50).inUse()).isZero();
	}

}
