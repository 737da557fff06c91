package dev.poolwise.autoconfigure.autosize;

import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.poolwise.autoconfigure.PoolwiseAutoConfiguration;
import dev.poolwise.test.PostgresServer;
import dev.poolwise.validation.PoolConfigurationException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Each way autosizing cannot work as written fails startup naming the key, the value, the rule and the fix.
 */
class AutosizeStartupFailureTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, PoolwiseAutoConfiguration.class))
		.withPropertyValues(PostgresServer.datasourceProperties());

	static Stream<Arguments> badInputs() {
		return Stream.of(
				arguments(new String[] { "db.pool.autosize.enabled=true", "db.pool.overflow=0" },
						"db.pool.overflow=0 is invalid: autosize moves the pool maximum between size and size + overflow",
						"Set overflow to the connections the pool may add under load"),
				arguments(new String[] { "db.pool.autosize.step=4" },
						"db.pool.autosize.step=4 is invalid: is set but db.pool.autosize.enabled is false",
						"Set db.pool.autosize.enabled=true, or remove db.pool.autosize.step."),
				arguments(new String[] { "db.pool.datasources.dataSource.autosize.interval=2s" },
						"db.pool.datasources.dataSource.autosize.interval=2s is invalid: is set but "
								+ "db.pool.autosize.enabled is false",
						"or remove db.pool.datasources.dataSource.autosize.interval."),
				arguments(new String[] { "db.pool.autosize.enabled=true", "db.pool.autosize.interval=10ms" },
						"db.pool.autosize.interval=10ms is invalid: must be between 100ms and 1m", "Use 1s."),
				arguments(new String[] { "db.pool.autosize.enabled=true", "db.pool.autosize.step=0" },
						"db.pool.autosize.step=0 is invalid: must be between 1 and overflow (10)", "Use 2."),
				arguments(new String[] { "db.pool.autosize.enabled=true", "db.pool.autosize.min-gain=1.5" },
						"db.pool.autosize.min-gain=1.5 is invalid: must be above 0 and at most 1", "Use 0.3."),
				arguments(new String[] { "db.pool.autosize.enabled=true", "db.pool.autosize.wait-threshold=40s" },
						"db.pool.autosize.wait-threshold=40s is invalid: must be above 0 and below timeout",
						"Use 2ms."),
				arguments(new String[] { "db.pool.autosize.enabled=true", "db.pool.autosize.shrink-delay=100ms" },
						"db.pool.autosize.shrink-delay=100ms is invalid: must be at least autosize.interval",
						"Use 30s."),
				arguments(new String[] { "db.pool.autosize.enabled=true", "db.pool.autosize.pause=-1s" },
						"db.pool.autosize.pause=-1s is invalid: cannot be negative", "Use 5m"));
	}

	@ParameterizedTest
	@MethodSource("badInputs")
	void aBadAutosizeSettingFailsStartupNamingKeyValueRuleAndFix(String[] properties, String description,
			String fix) {
		this.contextRunner.withPropertyValues(properties).run((context) -> {
			assertThat(context).hasFailed();
			PoolConfigurationException failure = rootCause(context.getStartupFailure());
			assertThat(failure.getMessage()).contains(description);
			assertThat(failure.getViolations()).anySatisfy((violation) -> assertThat(violation.fix()).contains(fix));
		});
	}

	@Test
	void autosizeWithoutAMeterRegistryFailsStartupInsteadOfLeavingThePoolFixed() {
		this.contextRunner.withPropertyValues("db.pool.autosize.enabled=true").run((context) -> {
			assertThat(context).hasFailed();
			PoolConfigurationException failure = rootCause(context.getStartupFailure());
			assertThat(failure.getMessage()).contains("db.pool.autosize.enabled=true (pool 'dataSource') is invalid: "
					+ "the autosize controller publishes its meters in a Micrometer MeterRegistry");
			assertThat(failure.getViolations().get(0).fix()).startsWith("Add spring-boot-starter-actuator");
		});
	}

	private static PoolConfigurationException rootCause(Throwable failure) {
		Throwable cause = failure;
		while (!(cause instanceof PoolConfigurationException) && cause.getCause() != null) {
			cause = cause.getCause();
		}
		assertThat(cause).isInstanceOf(PoolConfigurationException.class);
		return (PoolConfigurationException) cause;
	}

}
