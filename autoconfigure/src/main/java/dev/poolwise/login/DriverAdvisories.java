package dev.poolwise.login;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * The pgjdbc releases that fixed a flaw in a login switch, and which switches depend on each fix: a driver
 * older than the fix silently weakens the switch a security review asked for. Spring Boot's dependency
 * management pins the driver, so an application on an older Spring Boot, or one that pins the driver
 * itself, runs an affected version without knowing it. Plain rules on a version string and the switches;
 * the version is read by {@link #installedVersion()}.
 */
public final class DriverAdvisories {

	private static final Pattern VERSION = Pattern.compile("(\\d+)\\.(\\d+)\\.(\\d+)");

	/** The release with every fix below: the one to upgrade to. */
	public static final String FIXED = "42.7.14";

	private static final List<Advisory> ADVISORIES = List.of(
			new Advisory("42.7.7", "channelBinding=require accepted a server that asked for another method than "
					+ "SCRAM (trust, password, md5), so the login was not bound to the TLS session",
					LoginSwitches::requiresChannelBinding),
			new Advisory("42.7.11", "requireAuth is unknown to the driver and ignored, so a server that asks for the "
					+ "password in cleartext gets it", (switches) -> switches.requireAuth() != null),
			new Advisory("42.7.11", "the SCRAM iteration count the server sends is not bounded, so a hostile server, "
					+ "or anyone on the path of a connection whose server is not verified, can make every login burn "
					+ "CPU for minutes", LoginSwitches::allowsScram),
			new Advisory("42.7.12", "channelBinding=require was silently dropped with a server certificate signed "
					+ "with Ed25519, and the login went ahead without channel binding",
					LoginSwitches::requiresChannelBinding),
			new Advisory("42.7.14", "requireAuth exclusions (!method) are not reliably enforced",
					LoginSwitches::refusesMethods));

	private DriverAdvisories() {
	}

	/**
	 * The flaws that a driver version has and the switches depend on.
	 * @param version the driver's version, e.g. {@code 42.7.10}
	 * @param switches the switches of a pool's connections
	 * @return one sentence per flaw, e.g. {@code before 42.7.11, requireAuth is unknown ...}; empty when the
	 * version has every fix or cannot be read
	 */
	public static List<String> applicable(String version, LoginSwitches switches) {
		List<String> found = new ArrayList<>();
		for (Advisory advisory : ADVISORIES) {
			if (isBefore(version, advisory.fixedIn()) && advisory.appliesTo().test(switches)) {
				found.add("before " + advisory.fixedIn() + ", " + advisory.problem());
			}
		}
		return found;
	}

	/**
	 * Whether a version is older than another; an unreadable version is not.
	 * @param version e.g. {@code 42.7.10} or {@code 42.7.15-SNAPSHOT}
	 * @param fixedIn e.g. {@code 42.7.11}
	 * @return true when {@code version} comes before {@code fixedIn}
	 */
	static boolean isBefore(String version, String fixedIn) {
		int[] have = parse(version);
		int[] fixed = parse(fixedIn);
		if (have == null || fixed == null) {
			return false;
		}
		for (int i = 0; i < 3; i++) {
			if (have[i] != fixed[i]) {
				return have[i] < fixed[i];
			}
		}
		return false;
	}

	private static int @Nullable [] parse(String version) {
		Matcher matcher = VERSION.matcher(version);
		if (!matcher.find()) {
			return null;
		}
		return new int[] { Integer.parseInt(matcher.group(1)), Integer.parseInt(matcher.group(2)),
				Integer.parseInt(matcher.group(3)) };
	}

	/**
	 * The version of the pgjdbc driver on the classpath, read from {@code org.postgresql.util.DriverInfo} at
	 * run time: its constants would be copied into this class at compile time if referenced directly.
	 * @return e.g. {@code 42.7.14}, or null when it cannot be read
	 */
	public static @Nullable String installedVersion() {
		try {
			Object version = Class.forName("org.postgresql.util.DriverInfo").getField("DRIVER_VERSION").get(null);
			return (version != null) ? version.toString() : null;
		}
		catch (ReflectiveOperationException | LinkageError ex) {
			return null;
		}
	}

	private record Advisory(String fixedIn, String problem, Predicate<LoginSwitches> appliesTo) {

	}

}
