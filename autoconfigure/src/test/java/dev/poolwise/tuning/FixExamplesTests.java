package dev.poolwise.tuning;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.zaxxer.hikari.HikariConfig;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import dev.poolwise.autoconfigure.PoolProperties;
import dev.poolwise.pool.HikariValues;
import dev.poolwise.validation.PoolConfigurationException;
import dev.poolwise.validation.Violation;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every value a fix suggests ("e.g. 30m") passes validation itself: each bad configuration is resolved, the
 * example of each violation's fix is written into the key it names, and that key must then be accepted.
 * Conflicts with a default a user never set are reported once, on the key the user wrote.
 */
class FixExamplesTests {

	private static final Pattern EXAMPLE = Pattern.compile("e\\.g\\. ([0-9][0-9a-z]*)");

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "recycle=10s", "recycle=45s", "recycle=5m", "keepalive=10s", "keepalive=40m",
			"recycle=45s,keepalive=50s", "idle-timeout=5s", "idle-timeout=30m", "recycle=1m,idle-timeout=2m",
			"leak-detection-threshold=1s", "leak-detection-threshold=1h", "timeout=10ms", "connect-timeout=1500ms",
			"login-timeout=0s", "socket-timeout=1500ms", "tcp-keepalive.count=0", "tcp-keepalive.idle=500ms",
			"health.timeout=1ms", "monitor.interval=100ms", "size=0", "overflow=-1", "worker-count=0",
			"instances=0" })
	void everyExampleInAFixIsAcceptedForTheKeyItFixes(String configuration) {
		Map<String, String> written = parse(configuration);
		List<Violation> violations = violations(written);
		assertThat(violations).as("violations of " + configuration).isNotEmpty();
		for (Violation violation : violations) {
			Matcher example = EXAMPLE.matcher(violation.fix());
			String key = violation.property().replace("db.pool.", "");
			if (example.find() && violation.property().startsWith("db.pool.") && key.matches("[a-z.-]+")) {
				Map<String, String> fixed = new HashMap<>(written);
				fixed.put(key, example.group(1));
				assertThat(violations(fixed)).as(violation.property() + "=" + example.group(1) + " from the fix '"
						+ violation.fix() + "'")
					.noneMatch((after) -> after.property().equals(violation.property()));
			}
		}
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "recycle=10s", "recycle=5m", "recycle=1m" })
	void aConflictWithADefaultIsReportedOnceOnTheKeyTheUserWrote(String configuration) {
		List<Violation> violations = violations(parse(configuration));
		assertThat(violations).singleElement().satisfies((violation) -> {
			assertThat(violation.property()).isEqualTo("db.pool.recycle");
			assertThat(violation.rule()).contains("(default 10m)");
		});
	}

	private static Map<String, String> parse(String configuration) {
		Map<String, String> written = new HashMap<>();
		for (String pair : configuration.split(",")) {
			String[] parts = pair.split("=", 2);
			written.put(parts[0], parts[1]);
		}
		return written;
	}

	private static List<Violation> violations(Map<String, String> written) {
		Map<String, String> source = new HashMap<>();
		written.forEach((key, value) -> source.put("db.pool." + key, value));
		PoolProperties properties = new Binder(new MapConfigurationPropertySource(source))
			.bind("db.pool", Bindable.of(PoolProperties.class))
			.orElseGet(PoolProperties::new);
		HikariConfig hikari = new HikariConfig();
		hikari.setJdbcUrl("jdbc:postgresql://localhost:5432/app");
		try {
			new PoolTuningResolver(properties.toSettings(), new WrittenKeys(written), "app")
				.resolve(HikariValues.of(hikari));
			return List.of();
		}
		catch (PoolConfigurationException ex) {
			return ex.getViolations();
		}
	}

	private record WrittenKeys(Map<String, String> written) implements PropertyKeys {

		@Override
		public @Nullable String explicit(String key) {
			return this.written.containsKey(key) ? "db.pool." + key : null;
		}

		@Override
		public String suggested(String key) {
			return "db.pool." + key;
		}

		@Override
		public boolean isHikariSet(String key) {
			return false;
		}

	}

}
