package dev.poolwise.tls;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * Whether a PEM file holds a block cut short. Spring Boot reads the whole blocks of a PEM file and skips the
 * rest, so a CA bundle copied without finishing (the new authority cut, the old one whole) loads without a
 * word and verifies against fewer authorities than the operator wrote; the pool works until the server
 * switches to a certificate the cut authority issued.
 */
public final class PemBlocks {

	private static final Pattern BEGIN = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----");

	private static final Pattern END = Pattern.compile("-----END ([A-Z0-9 ]+)-----");

	private PemBlocks() {
	}

	/**
	 * Says what is cut short in a PEM file's text.
	 * @param content the file's text
	 * @return e.g. {@code holds 1 whole certificate(s) and one cut short}, or null when every block that
	 * begins also ends
	 */
	public static @Nullable String cutShort(String content) {
		int begun = count(BEGIN.matcher(content));
		int ended = count(END.matcher(content));
		if (begun == ended && content.trim().endsWith("-----")) {
			return null;
		}
		if (begun == 0 && ended == 0) {
			return null;
		}
		return "holds " + ended + " whole certificate(s) and one cut short";
	}

	private static int count(Matcher matcher) {
		int count = 0;
		while (matcher.find()) {
			count++;
		}
		return count;
	}

}
