package dev.poolwise.login;

import java.util.Properties;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The driver-version rule as plain code: which fixed flaws of pgjdbc a version lacks, for the login switches a
 * pool uses.
 */
class DriverAdvisoriesTests {

	private static final LoginSwitches DEFAULT_WITHOUT_TLS = new LoginSwitches("!password", "prefer", "postgres");

	private static final LoginSwitches CHANNEL_BINDING_REQUIRED = new LoginSwitches(null, "require", "postgres");

	@Test
	void theFixedReleaseAndLaterHaveNoAdvisory() {
		assertThat(DriverAdvisories.applicable("42.7.14", DEFAULT_WITHOUT_TLS)).isEmpty();
		assertThat(DriverAdvisories.applicable("42.7.15-SNAPSHOT", CHANNEL_BINDING_REQUIRED)).isEmpty();
		assertThat(DriverAdvisories.applicable("42.8.0", CHANNEL_BINDING_REQUIRED)).isEmpty();
		assertThat(DriverAdvisories.applicable("43.0.0", DEFAULT_WITHOUT_TLS)).isEmpty();
	}

	@Test
	void requireAuthExclusionsNeedTheLatestRelease() {
		assertThat(DriverAdvisories.applicable("42.7.13", DEFAULT_WITHOUT_TLS))
			.containsExactly("before 42.7.14, requireAuth exclusions (!method) are not reliably enforced");
		assertThat(DriverAdvisories.applicable("42.7.13", new LoginSwitches("scram-sha-256", "prefer", "postgres")))
			.isEmpty();
	}

	@Test
	void aDriverWithoutRequireAuthOrTheScramBoundIsNamedForEveryPoolThatCouldUseThem() {
		assertThat(DriverAdvisories.applicable("42.7.10", DEFAULT_WITHOUT_TLS)).hasSize(3)
			.anySatisfy((flaw) -> assertThat(flaw).startsWith("before 42.7.11, requireAuth is unknown"))
			.anySatisfy((flaw) -> assertThat(flaw).startsWith("before 42.7.11, the SCRAM iteration count"))
			.anySatisfy((flaw) -> assertThat(flaw).startsWith("before 42.7.14, requireAuth exclusions"));
		assertThat(DriverAdvisories.applicable("42.7.10", new LoginSwitches("md5", "prefer", "postgres")))
			.containsExactly("before 42.7.11, requireAuth is unknown to the driver and ignored, so a server that "
					+ "asks for the password in cleartext gets it");
		assertThat(DriverAdvisories.applicable("42.7.10", new LoginSwitches(null, "disable", "postgres")))
			.singleElement()
			.asString()
			.startsWith("before 42.7.11, the SCRAM iteration count");
	}

	@Test
	void channelBindingRequiredNeedsTheFixesOf42_7_7And42_7_12() {
		assertThat(DriverAdvisories.applicable("42.7.11", CHANNEL_BINDING_REQUIRED)).containsExactly(
				"before 42.7.12, channelBinding=require was silently dropped with a server certificate signed with "
						+ "Ed25519, and the login went ahead without channel binding");
		assertThat(DriverAdvisories.applicable("42.7.6", CHANNEL_BINDING_REQUIRED))
			.anySatisfy((flaw) -> assertThat(flaw).startsWith("before 42.7.7, channelBinding=require accepted"))
			.anySatisfy((flaw) -> assertThat(flaw).startsWith("before 42.7.12, channelBinding=require"));
		assertThat(DriverAdvisories.applicable("42.7.11", new LoginSwitches(null, "prefer", "postgres"))).isEmpty();
	}

	@Test
	void versionsAreComparedByNumberNotByText() {
		assertThat(DriverAdvisories.isBefore("42.7.9", "42.7.11")).isTrue();
		assertThat(DriverAdvisories.isBefore("42.10.0", "42.7.14")).isFalse();
		assertThat(DriverAdvisories.isBefore("42.7.14", "42.7.14")).isFalse();
		assertThat(DriverAdvisories.isBefore("not a version", "42.7.14")).isFalse();
	}

	@Test
	void theInstalledDriverIsReadAtRunTime() {
		assertThat(DriverAdvisories.installedVersion()).isEqualTo(org.postgresql.Driver.class.getPackage()
			.getImplementationVersion());
	}

	@Test
	void theSwitchesAreReadAsPgjdbcReadsThemWithTheUrlWinning() {
		Properties properties = new Properties();
		properties.setProperty("requireAuth", "!password");
		properties.setProperty("channelBinding", "require");
		LoginSwitches switches = LoginSwitches
			.of("jdbc:postgresql://db.example.com/app?requireAuth=scram-sha-256&sslNegotiation=direct", properties);
		assertThat(switches).isEqualTo(new LoginSwitches("scram-sha-256", "require", "direct"));
		assertThat(switches.allowsScram()).isTrue();
		assertThat(switches.refusesMethods()).isFalse();
		assertThat(new LoginSwitches("!md5,!scram-sha-256", "prefer", "postgres").allowsScram()).isFalse();
	}

}
