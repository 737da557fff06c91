package dev.poolwise.holders;

import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import com.example.orders.OrderService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.poolwise.autoconfigure.PoolwiseAutoConfiguration;
import dev.poolwise.test.PostgresServer;
import dev.poolwise.test.VirtualThreads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * A pool run dry by a virtual thread: the holder is named by its method like a platform thread. Runs on JDK
 * 21 and later (the build excludes {@code VirtualThread*Tests} before that, and says so).
 */
@ExtendWith(OutputCaptureExtension.class)
class VirtualThreadPoolRunsDryTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, PoolwiseAutoConfiguration.class))
		.withPropertyValues(PostgresServer.datasourceProperties())
		.withPropertyValues("db.pool.size=1", "db.pool.overflow=0", "db.pool.timeout=500ms");

	@Test
	void virtualThreadHolderIsNamedByItsMethod(CapturedOutput output) {
		this.contextRunner.run((context) -> {
			DataSource dataSource = context.getBean(DataSource.class);
			CountDownLatch release = new CountDownLatch(1);
			try {
				CountDownLatch borrowed = new CountDownLatch(1);
				VirtualThreads.start(() -> PoolRunsDryTests.run(() -> new OrderService(dataSource, release).sendConfirmation(borrowed)));
				assertThat(borrowed.await(10, TimeUnit.SECONDS)).isTrue();
				assertThatExceptionOfType(SQLTransientConnectionException.class).isThrownBy(dataSource::getConnection);
				await().atMost(Duration.ofSeconds(5)).until(() -> PoolRunsDryTests.count(output, PoolRunsDryTests.RAN_DRY) == 1);
				assertThat(PoolRunsDryTests.line(output, "ran dry")).containsPattern("1 of 1 held from `OrderService.sendConfirmation`, "
						+ "[\\d.]+ s: idle in transaction for [\\d.]+ s "
								+ "\\(thread VirtualThread\\[#\\d+\\] pid \\d+\\)");
			}
			finally {
				release.countDown();
			}
		});
	}

}
