package dev.poolwise.test;

import java.util.concurrent.atomic.AtomicReference;

import com.zaxxer.hikari.HikariCredentialsProvider;
import com.zaxxer.hikari.util.Credentials;

/**
 * What a secrets manager hands a pool: one role's current password, switched when it rotates. Hikari asks
 * for it at every login, so the switch reaches new connections only.
 */
public final class RotatingCredentials implements HikariCredentialsProvider {

	private final String username;

	private final AtomicReference<String> password;

	public RotatingCredentials(String username, String password) {
		this.username = username;
		this.password = new AtomicReference<>(password);
	}

	/**
	 * Hands out another password from now on.
	 * @param password the new secret
	 */
	public void rotate(String password) {
		this.password.set(password);
	}

	@Override
	public Credentials getCredentials() {
		return Credentials.of(this.username, this.password.get());
	}

}
