package dev.poolwise.hikari;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the virtual-thread check logs for each HikariCP version.
 */
@ExtendWith(OutputCaptureExtension.class)
class VirtualThreadsCheckTests {

	@Test
	void versionIsReadFromTheHikariJarOnTheClasspath() {
		assertThat(HikariVersion.installed()).isEqualTo("7.0.2");
	}

	@Test
	void hikariBeforeTheFixIsOneWarningWithTheMavenAndGradleFix(CapturedOutput output) {
		new VirtualThreadsCheck(() -> "7.0.2").run();
		assertThat(output).containsOnlyOnce("WARN")
			.contains("HikariCP 7.0.2 spins carrier threads")
			.contains("HikariCP issue #2398, fixed in 7.1.0")
			.contains("<hikaricp.version>7.1.0</hikaricp.version>")
			.contains("ext['hikaricp.version'] = '7.1.0'");
	}

	@Test
	void hikariWithTheFixIsNotMentioned(CapturedOutput output) {
		new VirtualThreadsCheck(() -> "7.1.0").run();
		new VirtualThreadsCheck(() -> "7.10.0").run();
		assertThat(output).doesNotContain("HikariCP");
	}

	@Test
	void unknownVersionIsOneInfoLineNotAWarning(CapturedOutput output) {
		new VirtualThreadsCheck(() -> null).run();
		assertThat(output).containsOnlyOnce("Could not determine the HikariCP version (null)")
			.contains("INFO")
			.doesNotContain("WARN");
	}

}
