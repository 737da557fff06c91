package dev.poolwise.autoconfigure;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.context.properties.source.ConfigurationPropertyName;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One list of the configuration is the truth: the keys of the configuration metadata (what an IDE completes and
 * explains), the keys the unknown-key analyzer knows ({@link PoolKeys}) and the keys of {@code docs/properties.md}
 * are the same keys, and the replica keys that startup refuses are the ones the metadata marks as errors.
 */
class ConfigurationMapTests {

	private static final String PREFIX = "db.pool.";

	private static final Pattern KEY = Pattern.compile("`([^`]+)`");

	private final JsonNode metadata = metadata();

	@Test
	void everyMetadataKeyIsKnownToTheUnknownKeyAnalyzerAndEveryKnownKeyIsInTheMetadata() {
		Set<String> metadataKeys = metadataKeys();
		metadataKeys.remove("datasources");
		assertThat(new TreeSet<>(PoolKeys.all().keySet())).containsExactlyElementsOf(metadataKeys);
	}

	@Test
	void everyMetadataKeyIsOnTheReferencePageAndEveryKeyThereIsInTheMetadata() throws IOException {
		Set<String> documented = new TreeSet<>();
		referenceRows().forEach((row) -> documented.addAll(keys(row)));
		assertThat(documented).containsExactlyElementsOf(metadataKeys());
	}

	@Test
	void everyRowOfTheReferencePageGivesADefaultAndWhatTheKeyDoes() throws IOException {
		List<String> rows = referenceRows();
		assertThat(rows).hasSizeGreaterThan(50);
		assertThat(rows).allSatisfy((row) -> {
			String[] cells = row.split("\\|");
			assertThat(cells).as(row).hasSizeGreaterThanOrEqualTo(5);
			assertThat(cells[2]).as("default in " + row).isNotBlank();
			assertThat(cells[4]).as("what it does in " + row).isNotBlank();
		});
	}

	@Test
	void everyMetadataKeyHasADescriptionAndTheReplicaKeysAreThere() {
		List<String> undescribed = new ArrayList<>();
		this.metadata.get("properties").forEach((property) -> {
			if (!property.hasNonNull("description") || property.get("description").asString().isBlank()) {
				undescribed.add(property.get("name").asString());
			}
		});
		assertThat(undescribed).isEmpty();
		assertThat(metadataKeys()).contains("replicas.url", "replicas.max-lag", "replicas.size", "replicas.hosts",
				"replicas.session.settings", "datasources", "session.settings");
	}

	@Test
	void everyPoolKeyIsWrittenTheSameAtTheTopAndUnderReplicasAndNothingElseSitsThere() {
		Set<String> keys = metadataKeys();
		Set<String> poolKeys = new TreeSet<>(PoolKeys.pool().keySet());
		assertThat(poolKeys).hasSizeGreaterThan(50);
		assertThat(keys).containsAll(poolKeys);
		assertThat(keys).containsAll(poolKeys.stream().map((key) -> "replicas." + key).toList());
		Set<String> applicationKeys = new TreeSet<>(keys);
		applicationKeys.removeAll(poolKeys);
		applicationKeys.removeIf((key) -> key.startsWith("replicas."));
		assertThat(applicationKeys).allSatisfy((key) -> assertThat(key)
			.matches("(datasources|web\\..*|warmup\\..*|metrics\\..*|migration\\..*)"));
	}

	@Test
	void theReplicaKeysStartupRefusesAreTheOnesTheMetadataMarksAsErrors() {
		Set<String> errors = new TreeSet<>();
		this.metadata.get("properties").forEach((property) -> {
			JsonNode deprecation = property.get("deprecation");
			if (deprecation != null && deprecation.path("level").asString().equals("error")) {
				errors.add(property.get("name").asString().substring(PREFIX.length()));
			}
		});
		Set<String> refused = PoolKeys.all()
			.keySet()
			.stream()
			.filter((key) -> key.startsWith("replicas."))
			.filter((key) -> ReplicaRules.IGNORED_KEYS.stream()
				.anyMatch((ignored) -> !ignored.perReplicaOnly()
						&& ignored.covers(ConfigurationPropertyName.of(key.substring("replicas.".length())))))
			.collect(Collectors.toCollection(TreeSet::new));
		assertThat(refused).contains("replicas.health.timeout", "replicas.lazy-start", "replicas.ssl.expiry-warning");
		assertThat(errors).containsExactlyElementsOf(refused);
	}

	/**
	 * The metadata's {@code db.pool} keys, relative to {@code db.pool}.
	 */
	private Set<String> metadataKeys() {
		Set<String> keys = new TreeSet<>();
		this.metadata.get("properties").forEach((property) -> {
			String name = property.get("name").asString();
			if (name.startsWith(PREFIX)) {
				keys.add(name.substring(PREFIX.length()));
			}
		});
		return keys;
	}

	/**
	 * The keys in the first cell of a row, relative to {@code db.pool}, a map key's entries as the map:
	 * {@code session.settings.<name>} as {@code session.settings}, {@code replicas.hosts[<name>].*} as
	 * {@code replicas.hosts}.
	 */
	private static List<String> keys(String row) {
		List<String> keys = new ArrayList<>();
		Matcher key = KEY.matcher(row.split("\\|")[1]);
		while (key.find()) {
			String written = key.group(1);
			written = written.startsWith(PREFIX) ? written.substring(PREFIX.length()) : written;
			int map = written.indexOf("<");
			keys.add((map > 0) ? written.substring(0, map - 1) : written);
		}
		return keys;
	}

	private static List<String> referenceRows() throws IOException {
		return Files.readAllLines(repositoryRoot().resolve("docs/properties.md"))
			.stream()
			.filter((line) -> line.startsWith("| `"))
			.toList();
	}

	private static JsonNode metadata() {
		try {
			Path classes = Path.of(PoolKeys.class.getProtectionDomain().getCodeSource().getLocation().toURI());
			return JsonMapper.builder()
				.build()
				.readTree(classes.resolve("META-INF/spring-configuration-metadata.json").toFile());
		}
		catch (URISyntaxException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static Path repositoryRoot() {
		Path directory = Path.of("").toAbsolutePath();
		while (directory != null && !Files.isRegularFile(directory.resolve("mvnw"))) {
			directory = directory.getParent();
		}
		assertThat(directory).as("a directory with mvnw above %s", Path.of("").toAbsolutePath()).isNotNull();
		return directory;
	}

}
