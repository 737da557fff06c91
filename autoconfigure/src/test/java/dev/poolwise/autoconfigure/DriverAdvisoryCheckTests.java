package dev.poolwise.autoconfigure;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.poolwise.test.PostgresServer;
import dev.poolwise.tuned.TunedPools;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The startup warning about a pgjdbc driver whose flaws weaken the pools' login switches: one WARN for the
 * context, naming the pools, and none with the fixed driver the build uses.
 */
@ExtendWith(OutputCaptureExtension.class)
class DriverAdvisoryCheckTests {

	private static final String WARNING = "Poolwise: the PostgreSQL JDBC driver on the classpath is ";

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, PoolwiseAutoConfiguration.class))
		.withPropertyValues(PostgresServer.datasourceProperties())
		.withPropertyValues("db.pool.size=1", "db.pool.overflow=0");

	@Test
	void anAffectedDriverIsNamedOnceWithTheFlawsThePoolsSwitchesDependOn(CapturedOutput output) {
		this.contextRunner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(output).as("the build's driver has every fix").doesNotContain(WARNING);
			new DriverAdvisoryCheck(context.getBean(TunedPools.class), () -> "42.7.10").afterSingletonsInstantiated();
			String warning = output.toString().substring(output.toString().indexOf(WARNING));
			assertThat(warning).contains(WARNING + "42.7.10, and the login switches of the "
					+ "pools depend on fixes it lacks: before 42.7.11, requireAuth is unknown to the driver and ignored")
				.contains("before 42.7.11, the SCRAM iteration count the server sends is not bounded")
				.contains("(pool 'dataSource')")
				.contains("Upgrade the driver to 42.7.14 or later (with Spring Boot's dependency management, the "
						+ "postgresql.version property).");
			assertThat(output.toString().split(WARNING, -1)).hasSize(2);
		});
	}

}
