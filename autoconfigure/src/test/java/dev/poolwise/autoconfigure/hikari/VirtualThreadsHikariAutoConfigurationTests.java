package dev.poolwise.autoconfigure.hikari;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The startup warning about HikariCP on virtual threads, with the HikariCP 7.0.2 that Spring Boot 4.1
 * manages. Named {@code VirtualThread*Tests} so that builds on JDKs before 21, where Spring Boot never uses
 * virtual threads, leave it out.
 */
@ExtendWith(OutputCaptureExtension.class)
class VirtualThreadsHikariAutoConfigurationTests {

	private static final String WARNING = "HikariCP 7.0.2 spins carrier threads";

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(HikariVirtualThreadsAutoConfiguration.class));

	@Test
	void virtualThreadsOnHikariBeforeTheFixLogOneWarning(CapturedOutput output) {
		this.contextRunner.withPropertyValues("spring.threads.virtual.enabled=true")
			.run((context) -> assertThat(output).containsOnlyOnce(WARNING)
				.contains("<hikaricp.version>7.1.0</hikaricp.version>"));
	}

	@Test
	void platformThreadsLogNothing(CapturedOutput output) {
		this.contextRunner.run((context) -> {
			assertThat(context).doesNotHaveBean("poolwiseHikariVirtualThreadsCheck");
			assertThat(output).doesNotContain(WARNING);
		});
	}

	@Test
	void masterSwitchTurnsTheCheckOff(CapturedOutput output) {
		this.contextRunner.withPropertyValues("spring.threads.virtual.enabled=true", "db.pool.enabled=false")
			.run((context) -> assertThat(output).doesNotContain(WARNING));
	}

}
