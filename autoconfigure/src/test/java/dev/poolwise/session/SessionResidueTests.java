package dev.poolwise.session;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which statements can leave something on a session for the next borrower, read from their text.
 */
class SessionResidueTests {

	@ParameterizedTest
	@CsvSource(delimiter = '|', nullValues = "NONE", textBlock = """
			SET search_path TO tenant_a                                   | SETTING
			set role reporting                                            | SETTING
			SET SESSION AUTHORIZATION other                               | SETTING
			RESET statement_timeout                                       | SETTING
			SELECT set_config('app.tenant', ?, false)                     | SETTING
			SELECT 1; SET work_mem = '64MB'                               | SETTING
			/* tenant 7 */ SET search_path TO tenant_7                    | SETTING
			/* per request */ LISTEN orders                               | LISTEN
			LISTEN orders                                                 | LISTEN
			SELECT pg_advisory_lock(42)                                   | ADVISORY_LOCK
			select pg_try_advisory_lock_shared(1, 2)                      | ADVISORY_LOCK
			CREATE TEMP TABLE staging (id int)                            | TEMPORARY
			create temporary table staging as select 1                    | TEMPORARY
			SELECT * INTO TEMP staging FROM orders                        | TEMPORARY
			PREPARE find (int) AS SELECT * FROM orders WHERE id = $1      | PREPARED
			DECLARE c CURSOR WITH HOLD FOR SELECT * FROM orders           | HELD_CURSOR
			SET LOCAL statement_timeout = '5s'                            | NONE
			SELECT set_config('app.tenant', ?, true)                      | NONE
			CREATE TEMP TABLE staging (id int) ON COMMIT DROP             | NONE
			SET TRANSACTION READ ONLY                                     | NONE
			SET CONSTRAINTS ALL DEFERRED                                  | NONE
			SELECT pg_advisory_xact_lock(42)                              | NONE
			SELECT settings, listener, temp FROM offsets WHERE holdout = ? | NONE
			UPDATE accounts SET balance = balance - ? WHERE id = ?        | NONE
			INSERT INTO events (kind) VALUES ('LISTEN')                   | NONE
			""")
	void aStatementIsReadForWhatItLeavesOnTheSession(String sql, String kind) {
		int expected = (kind != null) ? SessionResidue.valueOf(kind).bit() : 0;
		assertThat(SessionResidue.of(sql)).as(sql).isEqualTo(expected);
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			SET app.tenant = 'a'                                          | app.tenant
			set session App.Tenant to 'a'                                 | app.tenant
			RESET app.tenant                                              | app.tenant
			SELECT set_config('app.user_id', ?, false)                    | app.user_id
			""")
	void theCustomSettingsAStatementSetsAreNamedFromItsText(String sql, String name) {
		assertThat(SessionResidue.customSettings(sql)).containsExactly(name);
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			SET search_path TO tenant_a
			SELECT set_config('statement_timeout', '5s', false)
			""")
	void settingsTheServerListsAreNotCustom(String sql) {
		assertThat(SessionResidue.customSettings(sql)).isEmpty();
	}

	@Test
	void aSetConfigWhoseNameIsBoundCannotBeNamedFromItsText() {
		assertThat(SessionResidue.setsUnnamed("SELECT set_config(?, ?, false)")).isTrue();
		assertThat(SessionResidue.setsUnnamed("SELECT set_config('app.tenant', ?, false)")).isFalse();
		assertThat(SessionResidue.customSettings("-- tenant\nSET \"App.Tenant\" = 'a'")).containsExactly("app.tenant");
	}

}
