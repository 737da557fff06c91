package dev.poolwise.pool;

import java.net.ConnectException;
import java.sql.SQLException;

import javax.net.ssl.SSLHandshakeException;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cause of a failed connection, as the driver reports it; the server-side causes are also covered
 * against a real server in PoolConfigurationFailureTests.
 */
class ConnectionFailureTests {

	@Test
	void theServersSqlStateDecidesOverTheNetworkErrorBehindIt() {
		assertThat(ConnectionFailure.of(new SQLException("FATAL: password authentication failed", "28P01")))
			.isEqualTo(ConnectionFailure.WRONG_PASSWORD);
		assertThat(ConnectionFailure.of(new SQLException("wrapped", "08001",
				new SQLException("FATAL: too many connections", "53300"))))
			.isEqualTo(ConnectionFailure.TOO_MANY_CONNECTIONS);
	}

	@Test
	void networkErrorsAreReadFromTheCauseChain() {
		assertThat(ConnectionFailure.of(new SQLException("Connection refused", "08001", new ConnectException())))
			.isEqualTo(ConnectionFailure.REFUSED);
		assertThat(ConnectionFailure.of(new SQLException("SSL error", "08006", new SSLHandshakeException("PKIX"))))
			.isEqualTo(ConnectionFailure.TLS);
		assertThat(ConnectionFailure.of(new SQLException("Connection attempt timed out.", "08001")))
			.isEqualTo(ConnectionFailure.TIMED_OUT);
		assertThat(ConnectionFailure.of(new SQLException("something else", "XX000")))
			.isEqualTo(ConnectionFailure.OTHER);
	}

}
