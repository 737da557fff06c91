package dev.poolwise.startup;

import java.sql.SQLException;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.zaxxer.hikari.HikariDataSource;
import org.jspecify.annotations.Nullable;
import org.postgresql.Driver;

import dev.poolwise.pool.ConnectionFailure;
import dev.poolwise.pool.JdbcUrls;
import dev.poolwise.pool.Redaction;
import dev.poolwise.registry.PoolTarget;

/**
 * Thrown when the startup check cannot reach PostgreSQL. Its message names the masked URL and the driver's
 * reason, with anything secret taken out; it carries the cause and the target so that the fix can be chosen
 * by cause, and says when the password cannot be the one meant (empty, or a placeholder nothing resolved).
 */
public class DatabaseUnavailableException extends RuntimeException {

	private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{[^}]*}");

	private final String maskedUrl;

	private final ConnectionFailure failure;

	private final PoolTarget target;

	private final @Nullable String passwordProblem;

	DatabaseUnavailableException(HikariDataSource pool, SQLException cause) {
		super("Could not connect to PostgreSQL at " + JdbcUrls.mask(pool.getJdbcUrl()) + ": "
				+ Redaction.message(cause.getMessage(), pool), cause);
		this.maskedUrl = JdbcUrls.mask(pool.getJdbcUrl());
		this.failure = ConnectionFailure.of(cause);
		this.target = PoolTarget.of(pool.getJdbcUrl(), pool.getUsername());
		this.passwordProblem = passwordProblem(pool);
	}

	public String getMaskedUrl() {
		return this.maskedUrl;
	}

	/**
	 * Why the connection failed.
	 * @return the cause
	 */
	public ConnectionFailure getFailure() {
		return this.failure;
	}

	/**
	 * Where the check tried to connect.
	 * @return server, database and role
	 */
	public PoolTarget getTarget() {
		return this.target;
	}

	/**
	 * What is wrong with the configured password on its face, never the password itself.
	 * @return e.g. {@code is empty}, or null when nothing is seen or a credentials provider supplies it
	 */
	public @Nullable String getPasswordProblem() {
		return this.passwordProblem;
	}

	private static @Nullable String passwordProblem(HikariDataSource pool) {
		if (pool.getCredentialsProvider() != null) {
			return null;
		}
		String password = pool.getPassword();
		if (password == null) {
			Properties url = Driver.parseURL(pool.getJdbcUrl(), new Properties());
			password = (url != null) ? url.getProperty("password") : null;
		}
		if (password == null || password.isEmpty()) {
			return "is empty";
		}
		Matcher placeholder = PLACEHOLDER.matcher(password);
		return placeholder.find() ? "is the unresolved placeholder " + placeholder.group()
				+ ": nothing (no environment variable, no property) defined it" : null;
	}

}
