package dev.poolwise.failover;

import java.sql.Connection;
import java.sql.DriverManager;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.poolwise.test.FaultProxy;
import dev.poolwise.test.ReplicatedServers;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ConnectedServer} against a real primary and standby: which server a connection is on, behind a
 * proxy too, and whether it takes writes.
 */
class ConnectedServerTests {

	private static ReplicatedServers servers;

	@BeforeAll
	static void startServers() {
		servers = ReplicatedServers.start();
	}

	@AfterAll
	static void stopServers() {
		servers.close();
	}

	@Test
	void primaryIsThePrimary() throws Exception {
		try (Connection connection = servers.connectPrimary()) {
			ConnectedServer server = ConnectedServer.of(connection);
			assertThat(server.describe()).isEqualTo("127.0.0.1:" + servers.primaryPort());
			assertThat(server.isPrimary()).isTrue();
		}
	}

	@Test
	void standbyIsInRecovery() throws Exception {
		try (Connection connection = servers.connectStandby()) {
			ConnectedServer server = ConnectedServer.of(connection);
			assertThat(server.inRecovery()).isTrue();
			assertThat(server.isPrimary()).isFalse();
		}
	}

	@Test
	void behindAProxyTheRealServerIsNamed() throws Exception {
		try (FaultProxy proxy = FaultProxy.inFrontOf(servers.primaryUrl(""));
				Connection connection = DriverManager.getConnection(proxy.jdbcUrl(), "postgres", "")) {
			assertThat(ConnectedServer.of(connection).port()).isEqualTo(servers.primaryPort())
				.isNotEqualTo(proxy.port());
		}
	}

	@Test
	void readOnlySessionIsNotThePrimary() throws Exception {
		try (Connection connection = servers.connectPrimary()) {
			connection.createStatement().execute("SET default_transaction_read_only = on");
			ConnectedServer server = ConnectedServer.of(connection);
			assertThat(server.inRecovery()).isFalse();
			assertThat(server.readOnly()).isTrue();
			assertThat(server.isPrimary()).isFalse();
		}
	}

}
