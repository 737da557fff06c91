package dev.poolwise.session;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.poolwise.validation.Violation;
import dev.poolwise.validation.Violations;

import static org.assertj.core.api.Assertions.assertThat;

class SessionSettingsTests {

	private final Violations violations = new Violations();

	@Test
	void dashedKeysBecomeServerNamesAndTimeoutsBecomeMilliseconds() {
		SessionSettings settings = of(Duration.ofSeconds(5), Map.of("work-mem", "16MB"));
		assertThat(settings.all()).extracting(SessionSetting::name, SessionSetting::value)
			.containsExactly(org.assertj.core.groups.Tuple.tuple("statement_timeout", "5s"),
					org.assertj.core.groups.Tuple.tuple("work_mem", "16MB"));
		assertThat(settings.toStartupOptions()).isEqualTo("-c statement_timeout=5s -c work_mem=16MB");
		assertThat(this.violations.isEmpty()).isTrue();
	}

	@Test
	void whitespaceAndBackslashesAreEscapedSoAValueCannotStartASecondOption() {
		SessionSettings settings = of(null, Map.of("search-path", "\"my schema\", x\\y -c role=admin"));
		assertThat(settings.toStartupOptions())
			.isEqualTo("-c search_path=\"my\\ schema\",\\ x\\\\y\\ -c\\ role=admin");
	}

	@ParameterizedTest
	@ValueSource(strings = { "role", "session-authorization", "client-encoding", "DateStyle", "datestyle",
			"standard-conforming-strings", "application-name", "timezone", "TimeZone" })
	void settingsThatWouldBreakTheDriverOrTheSecurityModelAreRefused(String key) {
		of(null, Map.of(key, "x"));
		assertThat(this.violations.list()).singleElement()
			.satisfies((violation) -> assertThat(violation.rule()).contains("cannot be set by the pool"));
	}

	@ParameterizedTest
	@ValueSource(strings = { "work mem", "work_mem;drop table x", "a'b", "1abc", "a..b" })
	void namesThatAreNotSettingNamesAreRefused(String key) {
		of(null, Map.of(key, "1"));
		assertThat(this.violations.list()).singleElement()
			.satisfies((violation) -> assertThat(violation.rule()).contains("not a valid PostgreSQL setting name"));
	}

	@ParameterizedTest
	@ValueSource(strings = { "16MB\n-c role=admin", "a\u0000b", "x\ry", "" })
	void valuesWithControlCharactersOrNothingAreRefused(String value) {
		SessionSettings settings = of(null, Map.of("work-mem", value));
		assertThat(settings.isEmpty()).isTrue();
		assertThat(this.violations.list()).singleElement()
			.extracting(Violation::property)
			.isEqualTo("db.pool.session.settings.work-mem");
	}

	@Test
	void firstClassSettingsCannotAlsoBeSetThroughTheMap() {
		of(null, Map.of("statement-timeout", "5s"));
		assertThat(this.violations.list()).singleElement()
			.satisfies((violation) -> assertThat(violation.fix())
				.contains("db.pool.session.statement-timeout"));
	}

	@Test
	void aNameWithSeveralDotsIsRefusedWithTheKeyAndJsonThatNameTheUnderscoredSetting() {
		SessionSettings settings = of(null, Map.of("random.page.cost", "1.1"));
		assertThat(settings.isEmpty()).isTrue();
		assertThat(this.violations.list()).singleElement().satisfies((violation) -> {
			assertThat(violation.property()).isEqualTo("db.pool.session.settings.[random.page.cost]");
			assertThat(violation.rule()).isEqualTo("'random.page.cost' has more than one dot, while a custom setting "
					+ "takes one (myapp.tenant)");
			assertThat(violation.fix()).isEqualTo("An environment variable such as "
					+ "DB_POOL_SESSION_SETTINGS_RANDOM_PAGE_COST binds every underscore as a dot, so no environment "
					+ "variable can name random_page_cost. Write db.pool.session.settings.random-page-cost in "
					+ "application.yml or application.properties, or pass it as SPRING_APPLICATION_JSON="
					+ "'{\"db\":{\"pool\":{\"session\":{\"settings\":{\"random-page-cost\":\"1.1\"}}}}}'.");
		});
	}

	@Test
	void aSeveralDotsNameOfAFirstClassSettingPointsAtItsEnvironmentVariable() {
		of(null, Map.of("idle.in.transaction.session.timeout", "1min"));
		assertThat(this.violations.list()).singleElement()
			.satisfies((violation) -> assertThat(violation.fix())
				.endsWith("Set db.pool.session.idle-in-transaction-timeout instead, as an environment variable "
						+ "DB_POOL_SESSION_IDLE_IN_TRANSACTION_TIMEOUT."));
	}

	@Test
	void quotesAndBackslashesInTheValueAreEscapedInTheSuggestedJson() {
		of(null, Map.of("default.text.search.config", "a\"b\\c"));
		assertThat(this.violations.list()).singleElement()
			.satisfies((violation) -> assertThat(violation.fix())
				.contains("{\"default-text-search-config\":\"a\\\"b\\\\c\"}"));
	}

	@Test
	void dottedNamesAreCustomSettings() {
		SessionSettings settings = of(null, Map.of("myapp.tenant", "acme"));
		assertThat(settings.all()).singleElement().satisfies((setting) -> assertThat(setting.isCustom()).isTrue());
	}

	private SessionSettings of(Duration statementTimeout, Map<String, String> others) {
		return SessionSettings.of("db.pool.session", statementTimeout, null, null, new LinkedHashMap<>(others),
				this.violations);
	}

}
