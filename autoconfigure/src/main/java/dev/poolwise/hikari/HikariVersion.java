package dev.poolwise.hikari;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

import com.zaxxer.hikari.HikariDataSource;
import org.jspecify.annotations.Nullable;

/**
 * The version of the HikariCP jar that {@link HikariDataSource} was loaded from. HikariCP's manifest has no
 * {@code Implementation-Version}, so the version is read from the {@code pom.properties} Maven puts in the
 * jar, and from the manifest only as a fallback for a repackaged jar that has one.
 */
public final class HikariVersion {

	/**
	 * Where Maven puts the coordinates of HikariCP inside its jar.
	 */
	public static final String POM_PROPERTIES = "META-INF/maven/com.zaxxer/HikariCP/pom.properties";

	private HikariVersion() {
	}

	/**
	 * Reads the version of the HikariCP on the classpath.
	 * @return the version text, or {@code null} if the jar does not say
	 */
	public static @Nullable String installed() {
		try (InputStream in = HikariDataSource.class.getClassLoader().getResourceAsStream(POM_PROPERTIES)) {
			if (in != null) {
				Properties pom = new Properties();
				pom.load(in);
				String version = pom.getProperty("version");
				if (version != null) {
					return version;
				}
			}
		}
		catch (IOException ex) {
			// fall back to the manifest
		}
		return HikariDataSource.class.getPackage().getImplementationVersion();
	}

}
