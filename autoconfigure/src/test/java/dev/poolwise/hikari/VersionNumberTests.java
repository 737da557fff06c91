package dev.poolwise.hikari;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Version comparison for the HikariCP check.
 */
class VersionNumberTests {

	private static final VersionNumber FIXED = VersionNumber.parse("7.1.0");

	@Test
	void releasesBeforeTheFixAreBefore() {
		assertThat(VersionNumber.parse("7.0.2").isBefore(FIXED)).isTrue();
		assertThat(VersionNumber.parse("6.3.3").isBefore(FIXED)).isTrue();
		assertThat(VersionNumber.parse("7.0.99").isBefore(FIXED)).isTrue();
	}

	@Test
	void theFixAndLaterAreNotBefore() {
		assertThat(VersionNumber.parse("7.1.0").isBefore(FIXED)).isFalse();
		assertThat(VersionNumber.parse("7.1.1").isBefore(FIXED)).isFalse();
		assertThat(VersionNumber.parse("7.10.0").isBefore(FIXED)).isFalse();
		assertThat(VersionNumber.parse("8").isBefore(FIXED)).isFalse();
	}

	@Test
	void missingNumbersAreZero() {
		assertThat(VersionNumber.parse("7.1")).isEqualByComparingTo(FIXED);
	}

	@Test
	void qualifierIsIgnored() {
		assertThat(VersionNumber.parse("7.1.0-SNAPSHOT")).isEqualByComparingTo(FIXED);
		assertThat(VersionNumber.parse("7.0.2.RELEASE").isBefore(FIXED)).isTrue();
	}

	@Test
	void textThatIsNoVersionIsNull() {
		assertThat(VersionNumber.parse(null)).isNull();
		assertThat(VersionNumber.parse("unknown")).isNull();
		assertThat(VersionNumber.parse("")).isNull();
		assertThat(VersionNumber.parse("99999999999.0")).isNull();
	}

	@Test
	void printsItsNumbers() {
		assertThat(VersionNumber.parse("7.1.0-RC1")).hasToString("7.1.0");
	}

}
