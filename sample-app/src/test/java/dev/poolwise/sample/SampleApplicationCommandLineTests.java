package dev.poolwise.sample;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.Duration;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestInstance.Lifecycle;

import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.poolwise.sample.load.LoadStatus;
import dev.poolwise.tuned.TunedPools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample started the way a user starts it, with command-line arguments, against a PostgreSQL server
 * that is already running.
 */
@TestInstance(Lifecycle.PER_CLASS)
class SampleApplicationCommandLineTests {

	private EmbeddedPostgres server;

	private String serverUrl;

	@BeforeAll
	void startServer() throws IOException {
		this.server = EmbeddedPostgres.builder().start();
		this.serverUrl = "jdbc:postgresql://localhost:" + this.server.getPort() + "/postgres";
	}

	@AfterAll
	void stopServer() throws IOException {
		this.server.close();
	}

	@Test
	void datasourceUrlPointsTheSampleAtThatServerInsteadOfAnEmbeddedOne() {
		try (ConfigurableApplicationContext sample = run()) {
			assertThat(sample.getBeanNamesForType(EmbeddedPostgres.class)).isEmpty();
			assertThat(sample.getBean(TunedPools.class).get("dataSource").dataSource().getJdbcUrl())
				.isEqualTo(this.serverUrl);
			SampleClient client = new SampleClient(port(sample));
			assertThat(client.transfer(2L, 3L, new BigDecimal("7.77")).getStatusCode())
				.isEqualTo(HttpStatus.CREATED);
			JdbcClient onServer = JdbcClient.create(this.server.getPostgresDatabase());
			assertThat(onServer.sql("SELECT count(*) FROM transfer WHERE amount = 7.77").query(Long.class).single())
				.isPositive();
			assertThat(onServer
				.sql("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'poolwise-sample'")
				.query(Long.class)
				.single()).isGreaterThanOrEqualTo(1);
		}
	}

	@Test
	void loadThreadsArgumentStartsALoadRunWithTheApplication() {
		try (ConfigurableApplicationContext sample = run("--load.threads=20", "--load.duration=60s",
				"--load.hold=100ms")) {
			SampleClient client = new SampleClient(port(sample));
			LoadStatus status = client.load();
			assertThat(status.threads()).isEqualTo(20);
			assertThat(status.seconds()).isEqualTo(60);
			assertThat(status.holdMillis()).isEqualTo(100);
			await().atMost(Duration.ofSeconds(10)).until(() -> client.load().completed() > 0);
			client.stopLoad();
			await().atMost(Duration.ofSeconds(10)).until(() -> !client.load().running());
		}
	}

	private ConfigurableApplicationContext run(String... arguments) {
		String[] common = { "--server.port=0", "--spring.datasource.url=" + this.serverUrl,
				"--spring.datasource.username=postgres" };
		String[] all = new String[common.length + arguments.length];
		System.arraycopy(common, 0, all, 0, common.length);
		System.arraycopy(arguments, 0, all, common.length, arguments.length);
		return SpringApplication.run(SampleApplication.class, all);
	}

	private static int port(ConfigurableApplicationContext sample) {
		return sample.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
	}

}
