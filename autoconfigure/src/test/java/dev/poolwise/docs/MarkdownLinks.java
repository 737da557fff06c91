package dev.poolwise.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Checks the relative links of Markdown files the way GitHub renders them: a link's file must exist in the
 * repository, and its {@code #anchor} must be the slug of a heading in the target file. External links are not
 * followed (the build stays offline); fenced code blocks and code spans are not links. A code span that names a
 * repository path ({@code `autoconfigure/src/...`}) must name one that exists, so that prose pointing into the
 * sources does not go stale either.
 */
final class MarkdownLinks {

	private static final Pattern FENCE = Pattern.compile("^ {0,3}(`{3,}|~{3,})");

	private static final Pattern HEADING = Pattern.compile("^ {0,3}#{1,6}(?:[ \\t]+(.*?))?(?:[ \\t]+#+)?[ \\t]*$");

	private static final Pattern HTML_ANCHOR = Pattern.compile("<a\\s[^>]*(?:id|name)=\"([^\"]+)\"");

	private static final Pattern CODE_SPAN = Pattern.compile("(`+)(.+?)\\1");

	private static final Pattern INLINE_LINK = Pattern.compile("\\]\\(\\s*<?([^)\\s>]*)>?(?:\\s+\"[^\"]*\")?\\s*\\)");

	private static final Pattern REFERENCE_DEFINITION = Pattern.compile("^ {0,3}\\[[^\\]]+\\]:\\s*<?(\\S+?)>?(?:\\s.*)?$");

	private static final Pattern SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:");

	private static final Pattern LINE_FRAGMENT = Pattern.compile("L\\d+(-L\\d+)?");

	private static final Pattern REPOSITORY_PATH = Pattern.compile("[A-Za-z0-9._-]+/[A-Za-z0-9._/-]*");

	private final Path root;

	private final Map<Path, Set<String>> anchors = new HashMap<>();

	MarkdownLinks(Path root) {
		this.root = root.toAbsolutePath().normalize();
	}

	/**
	 * The Markdown files of the repository: every {@code *.md} outside build output ({@code target}) and hidden
	 * directories.
	 */
	List<Path> markdownFiles() {
		try (Stream<Path> paths = Files.walk(this.root)) {
			return paths.filter((path) -> path.getFileName().toString().endsWith(".md"))
				.filter(Files::isRegularFile)
				.filter((path) -> !isExcluded(this.root.relativize(path)))
				.sorted()
				.toList();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static boolean isExcluded(Path relative) {
		for (int i = 0; i < relative.getNameCount() - 1; i++) {
			String name = relative.getName(i).toString();
			if (name.equals("target") || name.equals("node_modules") || name.startsWith(".")) {
				return true;
			}
		}
		return false;
	}

	/** Every broken link of the given files, in file and line order. */
	List<BrokenLink> check(List<Path> files) {
		List<BrokenLink> broken = new ArrayList<>();
		for (Path file : files) {
			broken.addAll(checkFile(file.toAbsolutePath().normalize()));
		}
		return broken;
	}

	private List<BrokenLink> checkFile(Path file) {
		List<BrokenLink> broken = new ArrayList<>();
		for (Line prose : prose(file)) {
			String line = prose.text();
			int lineNumber = prose.number();
			Matcher codeSpans = CODE_SPAN.matcher(line);
			while (codeSpans.find()) {
				String path = codeSpans.group(2).trim();
				if (namesRepositoryPath(path) && !Files.exists(this.root.resolve(path))) {
					broken.add(new BrokenLink(relative(file), lineNumber, "`" + path + "`",
							"no such file or directory in the repository"));
				}
			}
			String text = codeSpans.replaceAll("");
			Matcher links = INLINE_LINK.matcher(text);
			while (links.find()) {
				checkTarget(file, lineNumber, links.group(1), broken);
			}
			Matcher definition = REFERENCE_DEFINITION.matcher(text);
			if (definition.matches()) {
				checkTarget(file, lineNumber, definition.group(1), broken);
			}
		}
		return broken;
	}

	/** Whether a code span is a path from the repository root, such as {@code autoconfigure/src/main/java/}. */
	private boolean namesRepositoryPath(String text) {
		if (!REPOSITORY_PATH.matcher(text).matches()) {
			return false;
		}
		Path path = Path.of(text);
		for (Path name : path) {
			if (name.toString().equals("target")) {
				return false;
			}
		}
		return Files.isDirectory(this.root.resolve(path.getName(0)));
	}

	private void checkTarget(Path file, int line, String target, List<BrokenLink> broken) {
		if (target.isEmpty() || SCHEME.matcher(target).find()) {
			return;
		}
		int hash = target.indexOf('#');
		String pathPart = decode((hash < 0) ? target : target.substring(0, hash));
		String fragment = (hash < 0) ? null : decode(target.substring(hash + 1));
		Path resolved;
		if (pathPart.isEmpty()) {
			resolved = file;
		}
		else if (pathPart.startsWith("/")) {
			resolved = this.root.resolve(pathPart.substring(1)).normalize();
		}
		else {
			resolved = file.getParent().resolve(pathPart).normalize();
		}
		if (!resolved.startsWith(this.root)) {
			broken.add(new BrokenLink(relative(file), line, target, "leaves the repository"));
			return;
		}
		if (!Files.exists(resolved)) {
			broken.add(new BrokenLink(relative(file), line, target,
					"no such file or directory: " + relative(resolved)));
			return;
		}
		if (fragment == null) {
			return;
		}
		if (resolved.getFileName().toString().endsWith(".md") && Files.isRegularFile(resolved)) {
			if (!anchorsOf(resolved).contains(fragment)) {
				broken.add(new BrokenLink(relative(file), line, target,
						"no heading with anchor #" + fragment + " in " + relative(resolved)));
			}
		}
		else if (!LINE_FRAGMENT.matcher(fragment).matches()) {
			broken.add(new BrokenLink(relative(file), line, target,
					"#" + fragment + " is not a line anchor (#L12 or #L12-L20) of " + relative(resolved)));
		}
	}

	/** The anchors GitHub gives a Markdown file: one slug per heading, and explicit HTML anchors. */
	Set<String> anchorsOf(Path file) {
		return this.anchors.computeIfAbsent(file.toAbsolutePath().normalize(), this::readAnchors);
	}

	private Set<String> readAnchors(Path file) {
		Set<String> slugs = new HashSet<>();
		Map<String, Integer> occurrences = new HashMap<>();
		for (Line prose : prose(file)) {
			String line = prose.text();
			Matcher heading = HEADING.matcher(line);
			if (heading.matches()) {
				String base = slug((heading.group(1) != null) ? heading.group(1) : "");
				String slug = base;
				int count = occurrences.getOrDefault(base, 0);
				while (slugs.contains(slug)) {
					count++;
					slug = base + "-" + count;
				}
				occurrences.put(base, count);
				slugs.add(slug);
			}
			Matcher html = HTML_ANCHOR.matcher(line);
			while (html.find()) {
				slugs.add(html.group(1));
			}
		}
		return slugs;
	}

	/**
	 * GitHub's anchor for a heading: the rendered text (links and images reduced to their text, code spans to their
	 * content, HTML tags dropped), lower-cased, every character that is not a letter, digit, space, hyphen or
	 * underscore dropped, and each space turned into a hyphen.
	 */
	static String slug(String heading) {
		String text = heading.replaceAll("!?\\[([^\\]]*)\\]\\([^)]*\\)", "$1")
			.replaceAll("<[^>]+>", "")
			.replace("`", "")
			.toLowerCase(Locale.ROOT);
		StringBuilder slug = new StringBuilder();
		text.codePoints().forEach((c) -> {
			if (c == ' ') {
				slug.append('-');
			}
			else if (Character.isLetterOrDigit(c) || c == '-' || c == '_') {
				slug.appendCodePoint(c);
			}
		});
		return slug.toString();
	}

	/** A failure message with one line per broken link. */
	static String report(List<BrokenLink> broken) {
		return broken.stream()
			.map(BrokenLink::toString)
			.collect(Collectors.joining(System.lineSeparator() + "  ",
					broken.size() + " broken Markdown link(s):" + System.lineSeparator() + "  ", ""));
	}

	private String relative(Path path) {
		return this.root.relativize(path).toString().replace('\\', '/');
	}

	private static String decode(String text) {
		return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
	}

	/** The lines of a file outside fenced code blocks, which GitHub renders as code, never as links or headings. */
	private static List<Line> prose(Path file) {
		List<String> lines;
		try {
			lines = Files.readAllLines(file, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		List<Line> prose = new ArrayList<>();
		String fence = null;
		for (int i = 0; i < lines.size(); i++) {
			Matcher marker = FENCE.matcher(lines.get(i));
			boolean isMarker = marker.find();
			if (fence == null && isMarker) {
				fence = marker.group(1);
			}
			else if (fence != null && isMarker && marker.group(1).charAt(0) == fence.charAt(0)
					&& marker.group(1).length() >= fence.length()) {
				fence = null;
			}
			else if (fence == null) {
				prose.add(new Line(i + 1, lines.get(i)));
			}
		}
		return prose;
	}

	private record Line(int number, String text) {
	}

	/** A link that does not resolve: where it is written, what it points to, and why it is broken. */
	record BrokenLink(String file, int line, String target, String reason) {

		@Override
		public String toString() {
			return this.file + ":" + this.line + ": " + this.target + ": " + this.reason;
		}

	}

}
