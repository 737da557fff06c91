package dev.poolwise.pool;

import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;

import dev.poolwise.test.PostgresServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A lowered maximum on a real pool whose connections are all lent.
 */
class PoolResizeTests {

	@Test
	void lentConnectionsAboveALoweredMaximumCloseWhenTheyComeBackInsteadOfServingAgain() throws Exception {
		try (HikariDataSource pool = PostgresServer.unstartedPool()) {
			pool.setPoolName("resize-lent");
			pool.setMinimumIdle(2);
			pool.setMaximumPoolSize(8);
			pool.addDataSourceProperty("ApplicationName", "resize-lent");
			List<Connection> lent = new ArrayList<>();
			for (int i = 0; i < 8; i++) {
				lent.add(pool.getConnection());
			}
			PoolResize.maximum(pool, 3);
			assertThat(pool.getHikariPoolMXBean().getTotalConnections()).isEqualTo(8);
			for (Connection connection : lent) {
				connection.close();
			}
			// a borrow meets the marked connections first and closes them
			pool.getConnection().close();
			await().atMost(Duration.ofSeconds(5)).until(() -> pool.getHikariPoolMXBean().getTotalConnections() == 3
					&& PostgresServer.sessions("resize-lent") == 3);
		}
	}

}
