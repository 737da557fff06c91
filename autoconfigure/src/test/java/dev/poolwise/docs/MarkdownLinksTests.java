package dev.poolwise.docs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.poolwise.docs.MarkdownLinks.BrokenLink;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every relative link and anchor in the repository's Markdown resolves, so that moving a section or renaming a
 * heading cannot leave a dead link behind. The other tests feed the checker small files of their own to show that
 * it catches what it claims to.
 */
class MarkdownLinksTests {

	@TempDir
	private Path temp;

	@Test
	void everyRelativeLinkAndAnchorInTheRepositoryResolves() {
		MarkdownLinks links = new MarkdownLinks(repositoryRoot());
		List<BrokenLink> broken = links.check(links.markdownFiles());
		assertThat(broken).withFailMessage(() -> MarkdownLinks.report(broken)).isEmpty();
	}

	@Test
	void theRepositoryCheckCoversTheReadmeTheDocsAndTheModuleReadmes() {
		Path root = repositoryRoot();
		List<String> files = new MarkdownLinks(root).markdownFiles()
			.stream()
			.map((file) -> root.relativize(file).toString().replace('\\', '/'))
			.toList();
		assertThat(files).contains("README.md", "CONTRIBUTING.md", "docs/README.md", "docs/failure-behaviour.md",
				"sample-app/README.md", "benchmarks/README.md", "benchmarks/results/results.md");
		assertThat(files).noneMatch((file) -> file.contains("/target/"));
	}

	@Test
	void aLinkToAHeadingThatDoesNotExistIsReportedWithFileAndLine() throws IOException {
		write("guide.md", "# Guide", "", "## Sizing", "", "See [sizing](#sizing) and [budget](#budget).");
		assertThat(check("guide.md")).containsExactly(
				new BrokenLink("guide.md", 5, "#budget", "no heading with anchor #budget in guide.md"));
	}

	@Test
	void anAnchorIntoAnotherFileIsCheckedAgainstThatFilesHeadings() throws IOException {
		write("docs/health.md", "# Health", "", "## How the server is probed");
		write("README.md", "[probe](docs/health.md#how-the-server-is-probed)", "[gone](docs/health.md#probing)");
		assertThat(check("README.md")).containsExactly(new BrokenLink("README.md", 2, "docs/health.md#probing",
				"no heading with anchor #probing in docs/health.md"));
	}

	@Test
	void aLinkToAFileThatDoesNotExistIsReported() throws IOException {
		write("docs/metrics.md", "[back](../README.md) [sources](../src/Main.java)");
		write("README.md", "# Readme");
		write("src/Other.java", "class Other {}");
		assertThat(check("docs/metrics.md")).containsExactly(new BrokenLink("docs/metrics.md", 1,
				"../src/Main.java", "no such file or directory: src/Main.java"));
	}

	@Test
	void aDuplicateHeadingIsReachedOnlyThroughTheSuffixGitHubGivesIt() throws IOException {
		write("page.md", "# Page", "## Properties", "## Health", "## Properties", "",
				"[first](#properties) [second](#properties-1) [third](#properties-2)");
		assertThat(check("page.md")).extracting(BrokenLink::target).containsExactly("#properties-2");
	}

	@Test
	void linksInFencedCodeBlocksAndCodeSpansAreNotLinks() throws IOException {
		write("page.md", "# Page", "```", "[not a link](#nowhere)", "# not a heading", "```", "~~~~",
				"[still code](missing.md)", "~~~~", "`[code](#nowhere)`", "[heading in code](#not-a-heading)");
		assertThat(check("page.md")).extracting(BrokenLink::target).containsExactly("#not-a-heading");
	}

	@Test
	void externalLinksAreNotFollowed() throws IOException {
		write("page.md", "[HikariCP](https://github.com/brettwooldridge/HikariCP#nothing-checked)",
				"[mail](mailto:team@example.com)");
		assertThat(check("page.md")).isEmpty();
	}

	@Test
	void aCodeSpanNamingARepositoryPathMustNameOneThatExists() throws IOException {
		write("src/main/App.java", "class App {}");
		write("page.md", "See `src/main/App.java`, `src/main/Gone.java`, `src/target/built.jar` and `text/plain`.");
		assertThat(check("page.md")).containsExactly(new BrokenLink("page.md", 1, "`src/main/Gone.java`",
				"no such file or directory in the repository"));
	}

	@Test
	void aLinkIntoASourceFileMayPointAtLinesButNotAtAHeading() throws IOException {
		write("src/App.java", "class App {}");
		write("page.md", "[lines](src/App.java#L1-L2) [heading](src/App.java#app)");
		assertThat(check("page.md")).extracting(BrokenLink::target).containsExactly("src/App.java#app");
	}

	@Test
	void theFailureReportListsEveryBrokenLinkOnALineOfItsOwn() {
		String report = MarkdownLinks.report(List.of(new BrokenLink("README.md", 3, "#a", "no heading"),
				new BrokenLink("docs/x.md", 9, "y.md", "no such file")));
		assertThat(report.lines()).containsExactly("2 broken Markdown link(s):", "  README.md:3: #a: no heading",
				"  docs/x.md:9: y.md: no such file");
	}

	@ParameterizedTest(name = "{0} -> #{1}")
	@CsvSource(delimiter = '|', textBlock = """
			Health: the `dbPool` indicator                  | health-the-dbpool-indicator
			Pool timeouts in Spring MVC: 503, not 500       | pool-timeouts-in-spring-mvc-503-not-500
			Virtual threads: HikariCP 7.0.2 against 7.1.0   | virtual-threads-hikaricp-702-against-710
			The `/actuator/dbpool` endpoint                 | the-actuatordbpool-endpoint
			Startup check, startup log and connection budget | startup-check-startup-log-and-connection-budget
			Query texts: `show-values`                      | query-texts-show-values
			See [the docs](docs/README.md) first            | see-the-docs-first
			work_mem and  two spaces                        | work_mem-and--two-spaces
			""")
	void headingsGetGitHubsSlugs(String heading, String slug) {
		assertThat(MarkdownLinks.slug(heading)).isEqualTo(slug);
	}

	private List<BrokenLink> check(String file) {
		return new MarkdownLinks(this.temp).check(List.of(this.temp.resolve(file)));
	}

	private void write(String file, String... lines) throws IOException {
		Path path = this.temp.resolve(file);
		Files.createDirectories(path.getParent());
		Files.write(path, List.of(lines));
	}

	/** The directory holding {@code mvnw}, found from the module directory Maven runs the tests in. */
	private static Path repositoryRoot() {
		Path directory = Path.of("").toAbsolutePath();
		while (directory != null && !Files.isRegularFile(directory.resolve("mvnw"))) {
			directory = directory.getParent();
		}
		assertThat(directory).as("a directory with mvnw above %s", Path.of("").toAbsolutePath()).isNotNull();
		return directory;
	}

}
