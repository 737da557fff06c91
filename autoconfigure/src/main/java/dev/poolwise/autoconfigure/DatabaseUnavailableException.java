package dev.poolwise.autoconfigure;

import java.sql.SQLException;

/**
 * Thrown when the startup check cannot reach PostgreSQL. Carries the masked URL only, never credentials.
 */
public class DatabaseUnavailableException extends RuntimeException {

	private final String maskedUrl;

	DatabaseUnavailableException(String maskedUrl, SQLException cause) {
		super("Could not connect to PostgreSQL at " + maskedUrl + ": " + cause.getMessage(), cause);
		this.maskedUrl = maskedUrl;
	}

	public String getMaskedUrl() {
		return this.maskedUrl;
	}

}
