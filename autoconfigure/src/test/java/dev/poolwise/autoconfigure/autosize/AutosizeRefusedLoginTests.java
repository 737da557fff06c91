package dev.poolwise.autoconfigure.autosize;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.poolwise.autoconfigure.PoolwiseAutoConfiguration;
import dev.poolwise.autosize.AutosizeControls;
import dev.poolwise.autosize.Decision.Action;
import dev.poolwise.login.LoginFailures;
import dev.poolwise.test.Load;
import dev.poolwise.test.MetricsContexts;
import dev.poolwise.test.PostgresServer;
import dev.poolwise.tuned.TunedPools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A login the server refuses for want of slots while the pool grows ({@code 53300}, here the role's connection
 * limit, which no budget query reads) is a signal: the pool backs off to what it has open, says so, and does not
 * keep knocking. 20 callers each holding a connection 50ms, a role limited to 6 connections, size 2 and ceiling 20.
 */
@ExtendWith(OutputCaptureExtension.class)
class AutosizeRefusedLoginTests {

	private static final String ROLE = "poolwise_autosize_limited";

	private final ApplicationContextRunner contextRunner = MetricsContexts.runner()
		.withConfiguration(AutoConfigurations.of(AutosizeAutoConfiguration.class))
		.withPropertyValues("spring.datasource.url=" + PostgresServer.jdbcUrl().replaceFirst("\\?.*", ""),
				"spring.datasource.username=" + ROLE, "db.pool.size=2", "db.pool.overflow=18",
				"db.pool.monitor.enabled=false", "db.pool.autosize.enabled=true", "db.pool.timeout=2s",
				"db.pool.application-name=autosize-refused");

	@Test
	void aLoginRefusedForWantOfSlotsBacksTheAutosizedPoolOffToWhatItHasOpen(CapturedOutput output) throws Exception {
		try (Connection admin = PostgresServer.connect(); Statement statement = admin.createStatement()) {
			statement.execute("DO $$ BEGIN CREATE ROLE " + ROLE + " LOGIN PASSWORD '" + PostgresServer.PASSWORD
					+ "' CONNECTION LIMIT 6; EXCEPTION WHEN duplicate_object THEN NULL; END $$");
		}
		this.contextRunner.run((context) -> {
			HikariDataSource pool = context.getBean(HikariDataSource.class);
			AutosizeControls controls = context.getBean(AutosizeControls.class);
			LoginFailures logins = context.getBean(TunedPools.class).get("dataSource").logins();
			await().atMost(Duration.ofSeconds(30)).until(() -> !controls.state("dataSource").mode().equals("MEASURING"));
			try (Load load = Load.start(pool, 20, "SELECT pg_sleep(0.05)")) {
				await().atMost(Duration.ofSeconds(40))
					.until(() -> output.toString().contains("(BACK_OFF): the server refused a new connection"));
				assertThat(pool.getMaximumPoolSize()).isLessThanOrEqualTo(6);
				LoginFailures.Failure refusal = logins.latestFailure();
				long seen = (refusal != null) ? refusal.atNanos() : System.nanoTime();
				// Hikari opens no more than the maximum, so once it equals what is open nothing knocks again.
				await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(6)).until(() -> {
					LoginFailures.Failure latest = logins.latestFailure();
					return (latest == null || latest.atNanos() - seen <= 0) && pool.getMaximumPoolSize() <= 6;
				});
			}
			assertThat(controls.state("dataSource").decisions())
				.anyMatch((change) -> change.action() == Action.BACK_OFF
						&& change.reason().contains("refused a new connection for want of slots"));
		});
	}

}
