package dev.poolwise.sample;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.client.RestClientException;

import dev.poolwise.sample.load.LoadGenerator;
import dev.poolwise.sample.load.LoadStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A deploy as the platform does it: the sample is shut down gracefully while transfers arrive over HTTP
 * and background work holds connections. Requests in flight finish, the drain waits for the connections
 * still borrowed, and the pool's sessions leave the server, all within
 * {@code spring.lifecycle.timeout-per-shutdown-phase}.
 */
@ExtendWith(OutputCaptureExtension.class)
class GracefulShutdownTests {

	private static final Duration PHASE_TIMEOUT = Duration.ofSeconds(10);

	private static final Pattern DRAINED = Pattern.compile("Pools \\[dataSource] drained in (\\d+) ms");

	/**
	 * A request counts as in flight once the server has it. One the client started a moment before shutdown
	 * may still have been on its way, or on a kept-alive connection the server was closing, and is refused
	 * without the server seeing it; a transfer takes a few milliseconds, so one started this long before
	 * shutdown had reached the server. The ledger checks below catch any transfer that was committed but
	 * not answered, whenever it started.
	 */
	private static final Duration IN_FLIGHT = Duration.ofMillis(200);

	private static final BigDecimal TOTAL = new BigDecimal("1750.00");

	private final Queue<Outcome> transfers = new ConcurrentLinkedQueue<>();

	private volatile boolean sending = true;

	@Test
	void gracefulShutdownMidLoadLosesNoTransferAndLeavesNoSession(CapturedOutput output) throws Exception {
		try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
			String url = "jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres";
			ConfigurableApplicationContext context = new SpringApplicationBuilder(SampleApplication.class).run(
					"--server.port=0", "--server.shutdown=graceful",
					"--spring.lifecycle.timeout-per-shutdown-phase=" + PHASE_TIMEOUT.toSeconds() + "s",
					"--spring.datasource.url=" + url, "--spring.datasource.username=postgres",
					"--spring.datasource.password=postgres", "--load.threads=4", "--load.hold=1s",
					"--load.duration=60s");
			int port = ((WebServerApplicationContext) context).getWebServer().getPort();
			HikariDataSource pool = context.getBean(HikariDataSource.class);
			LoadGenerator load = context.getBean(LoadGenerator.class);
			List<Thread> clients = startTransfers(new SampleClient(port), 4);
			await().atMost(Duration.ofSeconds(30)).until(() -> created() >= 50 && load.status().completed() >= 4);
			int borrowedAtShutdown = pool.getHikariPoolMXBean().getActiveConnections();
			long shutdown = System.nanoTime();
			context.close();
			Duration closed = Duration.ofNanos(System.nanoTime() - shutdown);
			this.sending = false;
			for (Thread client : clients) {
				client.join(Duration.ofSeconds(10).toMillis());
			}
			Matcher drained = DRAINED.matcher(output.getOut());
			assertThat(drained.find()).as("drain log line").isTrue();
			System.out.println("DRAIN: " + borrowedAtShutdown + " connections borrowed at shutdown, drained in "
					+ drained.group(1) + " ms, context closed in " + closed.toMillis() + " ms; transfers: " + created()
					+ " created, " + count(409) + " refused for funds, " + refusedAfterShutdown(shutdown)
					+ " not accepted once shutdown began; load: " + load.status());
			assertThat(borrowedAtShutdown).isPositive();
			assertThat(closed).isLessThan(PHASE_TIMEOUT);
			long inFlight = shutdown - IN_FLIGHT.toNanos();
			assertThat(this.transfers).as("failed in-flight transfers")
				.noneMatch((outcome) -> outcome.status() >= 500
						|| (outcome.status() == 0 && outcome.started() < inFlight));
			LoadStatus status = load.status();
			assertThat(status.failed()).as("background queries that failed").isZero();
			assertThat(status.timeouts()).isZero();
			try (Connection connection = DriverManager.getConnection(url, "postgres", "postgres")) {
				assertThat(query(connection, "SELECT sum(balance) FROM account")).isEqualByComparingTo(TOTAL);
				assertThat(query(connection, "SELECT count(*) FROM transfer").longValue()).isEqualTo(created());
				assertThat(query(connection,
						"SELECT count(*) FROM pg_stat_activity WHERE application_name = 'poolwise-sample'"))
					.as("sessions left right after close")
					.isZero();
			}
		}
	}

	private List<Thread> startTransfers(SampleClient client, int threads) {
		List<Thread> started = new ArrayList<>();
		for (int i = 0; i < threads; i++) {
			Thread thread = new Thread(() -> {
				while (this.sending) {
					long from = ThreadLocalRandom.current().nextLong(1, 5);
					long to = (from % 4) + 1;
					long start = System.nanoTime();
					try {
						int status = client.transfer(from, to, new BigDecimal("1.25")).getStatusCode().value();
						this.transfers.add(new Outcome(start, status));
					}
					catch (RestClientException ex) {
						this.transfers.add(new Outcome(start, 0));
					}
				}
			}, "transfer-client-" + i);
			thread.start();
			started.add(thread);
		}
		return started;
	}

	private long created() {
		return count(201);
	}

	private long count(int status) {
		return this.transfers.stream().filter((outcome) -> outcome.status() == status).count();
	}

	private long refusedAfterShutdown(long shutdown) {
		return this.transfers.stream().filter((outcome) -> outcome.status() == 0 && outcome.started() >= shutdown)
			.count();
	}

	private static BigDecimal query(Connection connection, String sql) throws SQLException {
		try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery(sql)) {
			row.next();
			return row.getBigDecimal(1);
		}
	}

	/**
	 * One transfer request: when it was sent and its HTTP status, 0 when no response came.
	 */
	private record Outcome(long started, int status) {

	}

}
