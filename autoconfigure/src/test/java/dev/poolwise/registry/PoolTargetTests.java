package dev.poolwise.registry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One server, one target, however the URL spells its loopback address or the case of its host name.
 */
class PoolTargetTests {

	@ParameterizedTest
	@ValueSource(strings = { "jdbc:postgresql://127.0.0.1:5432/app", "jdbc:postgresql://[::1]:5432/app",
			"jdbc:postgresql://LOCALHOST:5432/app", "jdbc:postgresql://localhost/app" })
	void loopbackSpellingsAreOneServer(String url) {
		assertThat(PoolTarget.of(url, "app")).isEqualTo(PoolTarget.of("jdbc:postgresql://localhost:5432/app", "app"));
	}

	@Test
	void hostNamesDifferOnlyInCaseAreOneServer() {
		assertThat(PoolTarget.of("jdbc:postgresql://DB.Example.com:5432/app", "app").server())
			.isEqualTo("db.example.com:5432");
	}

	@Test
	void otherHostsPortsDatabasesAndUsersAreOtherTargets() {
		PoolTarget target = PoolTarget.of("jdbc:postgresql://localhost:5432/app", "app");
		assertThat(PoolTarget.of("jdbc:postgresql://db:5432/app", "app")).isNotEqualTo(target);
		assertThat(PoolTarget.of("jdbc:postgresql://localhost:5433/app", "app")).isNotEqualTo(target);
		assertThat(PoolTarget.of("jdbc:postgresql://localhost:5432/other", "app")).isNotEqualTo(target);
		assertThat(PoolTarget.of("jdbc:postgresql://localhost:5432/app", "reader")).isNotEqualTo(target);
	}

	@Test
	void everyHostOfAMultiHostUrlIsNormalised() {
		assertThat(PoolTarget.of("jdbc:postgresql://127.0.0.1:5432,DB2:5433/app", "app").server())
			.isEqualTo("localhost,db2:5432,5433");
	}

}
