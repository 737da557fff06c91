package dev.poolwise.tuning;

import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import com.zaxxer.hikari.HikariConfig;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.poolwise.autoconfigure.PoolProperties;
import dev.poolwise.pool.HikariValues;
import dev.poolwise.validation.PoolConfigurationException;
import dev.poolwise.validation.Violation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Every tuning rule without Spring or a server: key precedence, Hikari's replacement rules, URL conflicts,
 * PgBouncer rules and worker-count sizing. Values differ in magnitude so each assertion shows which key won.
 */
class PoolTuningResolverTests {

	private final PoolProperties properties = new PoolProperties();

	private final HikariConfig hikari = new HikariConfig();

	private final Keys keys = new Keys();

	PoolTuningResolverTests() {
		this.hikari.setJdbcUrl("jdbc:postgresql://localhost:5432/app");
	}

	@Test
	void anExplicitDbPoolKeyWinsOverTheHikariKeyAndSaysSo() {
		set("size", (p) -> p.setSize(7));
		this.keys.hikari.add("minimum-idle");
		this.hikari.setMinimumIdle(3);
		PoolTuning tuning = resolve();
		assertThat(tuning.size()).isEqualTo(new Tuned<>(7, "db.pool.size"));
		assertThat(tuning.overrides()).containsExactly("db.pool.size overrides spring.datasource.hikari.minimum-idle");
	}

	@Test
	void aHikariKeyWinsOverWorkerCountAndTheDefault() {
		this.properties.setWorkerCount(100);
		this.keys.hikari.add("minimum-idle");
		this.hikari.setMinimumIdle(3);
		PoolTuning tuning = resolve();
		assertThat(tuning.size()).isEqualTo(new Tuned<>(3, "spring.datasource.hikari.minimum-idle"));
		assertThat(tuning.overflow()).isEqualTo(new Tuned<>(17, Tuned.WORKER_COUNT));
	}

	@Test
	void aHikariMaximumBelowSizeIsReportedAsWrittenWithTheMaximumItNeeds() {
		set("size", (p) -> p.setSize(5));
		this.keys.hikari.add("maximum-pool-size");
		this.hikari.setMaximumPoolSize(3);
		Violation violation = violation("spring.datasource.hikari.maximum-pool-size");
		assertThat(violation.value()).isEqualTo(3);
		assertThat(violation.rule()).isEqualTo("the maximum pool size is below size=5 (db.pool.size), and Hikari's "
				+ "maximum counts the permanent connections too");
		assertThat(violation.fix()).isEqualTo("Set it to 5 or more, or remove it and set db.pool.overflow "
				+ "(connections on top of size, 0 for a fixed-size pool) instead.");
	}

	@Test
	void workerCountDerivesSizeAndOverflowWhenNeitherIsSet() {
		this.properties.setWorkerCount(100);
		PoolTuning tuning = resolve();
		assertThat(tuning.size()).isEqualTo(new Tuned<>(5, Tuned.WORKER_COUNT));
		assertThat(tuning.overflow()).isEqualTo(new Tuned<>(15, Tuned.WORKER_COUNT));
		assertThat(tuning.maxPoolSize()).isEqualTo(20);
	}

	@Test
	void defaultsAreNamedAsDefaults() {
		PoolTuning tuning = resolve();
		assertThat(tuning.size()).isEqualTo(new Tuned<>(10, Tuned.DEFAULT));
		assertThat(tuning.recycle()).isEqualTo(new Tuned<>(Duration.ofMinutes(30), Tuned.DEFAULT));
		assertThat(tuning.leakDetectionThreshold()).isEqualTo(new Tuned<>(Duration.ZERO, Tuned.DEFAULT));
	}

	@Test
	void aRecycleHikariWouldReplaceIsRejectedWithTheRule() {
		set("recycle", (p) -> p.setRecycle(Duration.ofSeconds(10)));
		assertThat(violation("db.pool.recycle").rule()).contains("Hikari would silently use 30m instead");
	}

	@Test
	void aTimeoutBelow250MillisecondsIsRejected() {
		set("timeout", (p) -> p.setTimeout(Duration.ofMillis(100)));
		assertThat(violation("db.pool.timeout").rule()).startsWith("must be at least 250ms");
	}

	@ParameterizedTest
	@ValueSource(longs = { 10, 120_000 })
	void aHealthMaxAgeOutsideItsRangeIsRejected(long maxAgeMillis) {
		set("health.max-age", (p) -> p.getHealth().setMaxAge(Duration.ofMillis(maxAgeMillis)));
		assertThat(violation("db.pool.health.max-age").rule()).startsWith("must be 0 or between 100ms and 1m");
	}

	@Test
	void aHealthMaxAgeOfZeroIsAccepted() {
		this.properties.getHealth().setMaxAge(Duration.ZERO);
		assertThat(resolve().maxPoolSize()).isPositive();
	}

	@Test
	void aRuleBrokenThroughAHikariKeyNamesTheHikariKey() {
		this.keys.hikari.add("max-lifetime");
		this.hikari.setMaxLifetime(5_000);
		assertThat(violation("spring.datasource.hikari.max-lifetime").value()).isEqualTo(Duration.ofSeconds(5));
	}

	@Test
	void anExplicitKeepaliveWithPrePingOffIsAContradiction() {
		set("keepalive", (p) -> p.setKeepalive(Duration.ofMinutes(3)));
		this.properties.setPrePing(false);
		assertThat(violation("db.pool.keepalive").rule()).contains("contradicts db.pool.pre-ping=false");
	}

	@Test
	void prePingOffTurnsTheDefaultKeepaliveOff() {
		this.properties.setPrePing(false);
		assertThat(resolve().keepalive()).isEqualTo(new Tuned<>(Duration.ZERO, "db.pool.pre-ping"));
	}

	@Test
	void aUrlParameterThatAnExplicitKeyAlsoSetsIsAConflict() {
		this.hikari.setJdbcUrl("jdbc:postgresql://localhost:5432/app?connectTimeout=5");
		set("connect-timeout", (p) -> p.setConnectTimeout(Duration.ofSeconds(20)));
		assertThat(violation("spring.datasource.url").rule())
			.isEqualTo("it sets connectTimeout, which pgjdbc lets win over db.pool.connect-timeout");
	}

	@Test
	void aDefaultYieldsToTheUrlAndToHikarisDataSourceProperties() {
		this.hikari.setJdbcUrl("jdbc:postgresql://localhost:5432/app?loginTimeout=3");
		this.hikari.addDataSourceProperty("connectTimeout", "4");
		Map<String, Tuned<String>> driver = resolve().driverProperties();
		assertThat(driver).doesNotContainKeys("loginTimeout", "connectTimeout");
	}

	@Test
	void batchedInsertsAreRewrittenByDefaultAndTheKeySwitchesItOff() {
		assertThat(resolve().driverProperties().get("reWriteBatchedInserts"))
			.isEqualTo(new Tuned<>("true", Tuned.DEFAULT));
		set("rewrite-batched-inserts", (p) -> p.setRewriteBatchedInserts(false));
		assertThat(resolve().driverProperties().get("reWriteBatchedInserts"))
			.isEqualTo(new Tuned<>("false", "db.pool.rewrite-batched-inserts"));
	}

	@Test
	void driverTimeoutsMustBeWholeSeconds() {
		set("socket-timeout", (p) -> p.setSocketTimeout(Duration.ofMillis(1500)));
		assertThat(violation("db.pool.socket-timeout").rule()).isEqualTo("pgjdbc takes whole seconds");
	}

	@Test
	void sessionSettingsBecomeStartupOptions() {
		this.properties.getSession().setStatementTimeout(Duration.ofSeconds(5));
		this.properties.getSession().getSettings().put("work-mem", "16MB");
		assertThat(resolve().driverProperties().get("options").value())
			.isEqualTo("-c statement_timeout=5s -c work_mem=16MB");
	}

	@Test
	void pgBouncerRefusesSessionSettingsAndSwitchesOffPreparedStatementsUntilTheProbeKeepsThem() {
		this.properties.getPgbouncer().setEnabled(true);
		assertThat(resolve().driverProperties().get("prepareThreshold")).isEqualTo(new Tuned<>("0", Tuned.DEFAULT));
		assertThat(resolve().preparedStatementsProbed()).isTrue();
		set("pgbouncer.prepared-statements", (p) -> p.getPgbouncer().setPreparedStatements(false));
		assertThat(resolve().driverProperties().get("prepareThreshold"))
			.isEqualTo(new Tuned<>("0", "db.pool.pgbouncer.prepared-statements"));
		assertThat(resolve().preparedStatementsProbed()).isFalse();
		this.properties.getSession().setStatementTimeout(Duration.ofSeconds(5));
		assertThat(violation("db.pool.session.statement-timeout").rule())
			.startsWith("session settings cannot work through PgBouncer");
	}

	@Test
	void pgBouncersClientIdleTimeoutMustOutlastTheKeepalive() {
		this.properties.getPgbouncer().setEnabled(true);
		set("pgbouncer.client-idle-timeout", (p) -> p.getPgbouncer().setClientIdleTimeout(Duration.ofMinutes(1)));
		assertThat(violation("db.pool.pgbouncer.client-idle-timeout").rule())
			.contains("pings idle connections only every 2m");
	}

	@Test
	void aWorkerCountBelowOneIsRejected() {
		set("worker-count", (p) -> p.setWorkerCount(0));
		assertThat(violation("db.pool.worker-count").rule()).isEqualTo("must be at least 1");
	}

	@Test
	void aPoolOwnKeyIsNamedInItsMessages() {
		this.keys.prefix = "db.pool.datasources.reporting.";
		set("size", (p) -> p.setSize(0));
		assertThat(violation("db.pool.datasources.reporting.size").rule())
			.isEqualTo("the pool needs at least one permanent connection");
	}

	@Test
	void everyProblemIsReportedAtOnce() {
		set("size", (p) -> p.setSize(0));
		set("timeout", (p) -> p.setTimeout(Duration.ofMillis(1)));
		this.properties.getHealth().setCriticalUtilization(2);
		assertThatExceptionOfType(PoolConfigurationException.class).isThrownBy(this::resolve)
			.satisfies((ex) -> assertThat(ex.getViolations()).extracting(Violation::property)
				.containsExactlyInAnyOrder("db.pool.size", "db.pool.timeout",
						"db.pool.health.warn-utilization/critical-utilization"));
	}

	private void set(String key, Consumer<PoolProperties> setter) {
		this.keys.explicit.add(key);
		setter.accept(this.properties);
	}

	@Test
	void aCleartextPasswordIsRefusedUnlessTheConfigurationRequiresTlsOrTheUserAllowsIt() {
		assertThat(resolve().driverProperties().get("requireAuth"))
			.isEqualTo(new Tuned<>("!password", Tuned.DEFAULT));
		assertThat(resolve().driverProperties()).containsEntry("channelBinding", new Tuned<>("prefer", Tuned.DEFAULT))
			.containsEntry("sslNegotiation", new Tuned<>("postgres", Tuned.DEFAULT));
		this.hikari.setJdbcUrl("jdbc:postgresql://localhost:5432/app?sslmode=verify-full");
		assertThat(resolve().driverProperties()).doesNotContainKey("requireAuth");
		this.hikari.setJdbcUrl("jdbc:postgresql://localhost:5432/app?sslmode=prefer");
		set("auth.allow-cleartext-password", (p) -> p.getAuth().setAllowCleartextPassword(true));
		assertThat(resolve().driverProperties()).doesNotContainKey("requireAuth");
	}

	@Test
	void anExplicitRequireReplacesTheDefaultAndIsSentAsWritten() {
		this.hikari.setJdbcUrl("jdbc:postgresql://localhost:5432/app?sslmode=require");
		set("auth.require", (p) -> p.getAuth().setRequire("scram-sha-256"));
		assertThat(resolve().driverProperties().get("requireAuth"))
			.isEqualTo(new Tuned<>("scram-sha-256", "db.pool.auth.require"));
	}

	@Test
	void aRawDriverPropertyWinsOverTheDefaultAndBesideAnExplicitKeyIsAnErrorNamingBoth() {
		this.hikari.addDataSourceProperty("requireAuth", "password");
		this.hikari.addDataSourceProperty("channelBinding", "disable");
		assertThat(resolve().driverProperties()).doesNotContainKeys("requireAuth", "channelBinding");
		set("auth.channel-binding", (p) -> p.getAuth().setChannelBinding("prefer"));
		Violation violation = violation("db.pool.auth.channel-binding");
		assertThat(violation.rule()).isEqualTo("spring.datasource.hikari.data-source-properties.channelBinding sets "
				+ "channelBinding too, and Poolwise does not choose between two security settings");
		assertThat(violation.fix()).isEqualTo("Keep one: remove channelBinding from "
				+ "spring.datasource.hikari.data-source-properties.channelBinding, or remove db.pool.auth.channel-binding.");
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "scram", "md5,md5", "!password,md5",
			"!password,!md5,!gss,!sspi,!scram-sha-256,!none" })
	void aRequireOutsidePgjdbcsSyntaxFailsStartupListingTheMethods(String require) {
		set("auth.require", (p) -> p.getAuth().setRequire(require));
		assertThat(violation("db.pool.auth.require").fix()).isEqualTo("List the methods to allow (scram-sha-256) or "
				+ "those to refuse (!password,!md5), from password, md5, gss, sspi, scram-sha-256, none.");
	}

	@Test
	void channelBindingRequiredAndDirectNegotiationNeedTlsRequired() {
		set("auth.channel-binding", (p) -> p.getAuth().setChannelBinding("REQUIRE"));
		set("ssl.negotiation", (p) -> p.getSsl().setNegotiation("direct"));
		assertThat(violation("db.pool.auth.channel-binding").fix()).endsWith("or set db.pool.auth.channel-binding=prefer.");
		assertThat(violation("db.pool.ssl.negotiation").fix()).endsWith("or set db.pool.ssl.negotiation=postgres.");
		this.hikari.setJdbcUrl("jdbc:postgresql://localhost:5432/app?ssl=true");
		assertThat(resolve().driverProperties()).containsEntry("channelBinding",
				new Tuned<>("require", "db.pool.auth.channel-binding"))
			.containsEntry("sslNegotiation", new Tuned<>("direct", "db.pool.ssl.negotiation"))
			.doesNotContainKey("requireAuth");
	}

	private PoolTuning resolve() {
		return new PoolTuningResolver(this.properties.toSettings(), this.keys, "app").resolve(HikariValues.of(this.hikari));
	}

	private Violation violation(String property) {
		try {
			resolve();
		}
		catch (PoolConfigurationException ex) {
			return ex.getViolations()
				.stream()
				.filter((violation) -> violation.property().equals(property))
				.findFirst()
				.orElseThrow(() -> new AssertionError("No violation on " + property + " in " + ex.getViolations()));
		}
		throw new AssertionError("No violation on " + property);
	}

	/**
	 * Which keys a test set explicitly.
	 */
	private static final class Keys implements PropertyKeys {

		private final Set<String> explicit = new HashSet<>();

		private final Set<String> hikari = new HashSet<>();

		private String prefix = "db.pool.";

		@Override
		public @Nullable String explicit(String key) {
			return this.explicit.contains(key) ? this.prefix + key : null;
		}

		@Override
		public String suggested(String key) {
			return this.prefix + key;
		}

		@Override
		public boolean isHikariSet(String key) {
			return this.hikari.contains(key);
		}

	}

}
