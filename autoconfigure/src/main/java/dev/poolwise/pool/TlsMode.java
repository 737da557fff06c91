package dev.poolwise.pool;

import java.util.Locale;

/**
 * How much of the server a pool with an SSL bundle verifies. Anything but {@link #VERIFY_FULL} must be asked
 * for and is named in the startup log.
 */
public enum TlsMode {

	/**
	 * The certificate chain against the bundle's trust material and the host name against the certificate.
	 */
	VERIFY_FULL,

	/**
	 * The certificate chain only: any certificate the trusted CA issued is accepted, for any host.
	 */
	VERIFY_CA,

	/**
	 * Encryption only: the server's certificate is not checked at all.
	 */
	REQUIRE;

	/**
	 * The pgjdbc {@code sslmode} of this mode, which decides whether pgjdbc checks the host name.
	 * @return e.g. {@code verify-full}
	 */
	public String sslmode() {
		return name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

	/**
	 * Whether the certificate chain is checked.
	 * @return false for {@link #REQUIRE}
	 */
	public boolean verifiesChain() {
		return this != REQUIRE;
	}

}
