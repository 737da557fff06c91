package dev.poolwise.hikari;

import java.util.List;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Warns, once at startup, an application on virtual threads that its HikariCP is older than 7.1.0. Up to
 * 7.0.x, HikariCP's {@code ConcurrentBag} spins carrier threads when many virtual threads wait for a
 * connection (HikariCP issue #2398, fixed in 7.1.0 by pull request #2402), and Spring Boot 4.1 manages 7.0.2,
 * so an application that only turns on {@code spring.threads.virtual.enabled} gets the affected version.
 * <p>
 * A version that cannot be read (a repackaged jar without Maven metadata) is not a reason for a warning on
 * every start: it is reported once at INFO with the version to check for.
 */
public class VirtualThreadsCheck {

	/**
	 * The first HikariCP release with the fix.
	 */
	public static final VersionNumber FIXED_IN = new VersionNumber(List.of(7, 1, 0));

	private static final Log logger = LogFactory.getLog(VirtualThreadsCheck.class);

	private final Supplier<@Nullable String> installedVersion;

	/**
	 * Creates a check of the HikariCP version.
	 * @param installedVersion the version on the classpath, {@code null} when unknown
	 */
	public VirtualThreadsCheck(Supplier<@Nullable String> installedVersion) {
		this.installedVersion = installedVersion;
	}

	/**
	 * Logs the warning if the installed HikariCP needs it.
	 */
	public void run() {
		String installed = this.installedVersion.get();
		VersionNumber version = VersionNumber.parse(installed);
		if (version == null) {
			logger.info("Could not determine the HikariCP version (" + installed + "); with virtual threads "
					+ "(spring.threads.virtual.enabled=true) use HikariCP " + FIXED_IN + " or later, " + fix());
		}
		else if (version.isBefore(FIXED_IN)) {
			logger.warn("HikariCP " + installed + " spins carrier threads when many virtual threads wait for a "
					+ "connection (HikariCP issue #2398, fixed in " + FIXED_IN + "), and "
					+ "spring.threads.virtual.enabled=true; upgrade HikariCP, " + fix());
		}
	}

	private static String fix() {
		return "Maven: <hikaricp.version>" + FIXED_IN + "</hikaricp.version> in <properties>; Gradle with the "
				+ "Spring Boot plugin: ext['hikaricp.version'] = '" + FIXED_IN + "', otherwise "
				+ "implementation 'com.zaxxer:HikariCP:" + FIXED_IN + "'";
	}

}
