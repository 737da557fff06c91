package dev.poolwise.startup;

import java.sql.SQLException;

import com.zaxxer.hikari.HikariDataSource;

import dev.poolwise.pool.JdbcUrls;
import dev.poolwise.pool.Redaction;

/**
 * Thrown when the startup check cannot reach PostgreSQL. Its message names the masked URL and the driver's
 * reason, with anything secret taken out.
 */
public class DatabaseUnavailableException extends RuntimeException {

	private final String maskedUrl;

	DatabaseUnavailableException(HikariDataSource pool, SQLException cause) {
		super("Could not connect to PostgreSQL at " + JdbcUrls.mask(pool.getJdbcUrl()) + ": "
				+ Redaction.message(cause.getMessage(), pool), cause);
		this.maskedUrl = JdbcUrls.mask(pool.getJdbcUrl());
	}

	public String getMaskedUrl() {
		return this.maskedUrl;
	}

}
