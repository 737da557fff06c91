package dev.poolwise.login;

import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;

/**
 * The logins of one pool's new connections that the server rejected (SQLSTATE class 28: {@code 28P01}
 * wrong password, {@code 28000} no such role or no pg_hba entry), and whether the latest login was one
 * of them. A rejected login is a configuration or rotation fault, not a network one, so it is told apart
 * from every other failure and described in words of its own; the role is named, the secret never.
 */
public final class LoginFailures {

	private final AtomicLong count = new AtomicLong();

	private volatile @Nullable String rejection;

	private volatile @Nullable Failure latest;

	private final AtomicInteger opening = new AtomicInteger();

	private volatile boolean succeededOnce;

	/** When the latest successful login started, in {@link System#nanoTime()}. */
	private volatile long succeededStarted;

	/**
	 * Whether the server refused the login itself rather than failing to answer.
	 * @param ex a failure to connect
	 * @return true for SQLSTATE class 28
	 */
	public static boolean isRejectedLogin(SQLException ex) {
		String state = ex.getSQLState();
		return state != null && state.startsWith("28");
	}

	/**
	 * Says what a rejected login means for an operator.
	 * @param ex the rejected login
	 * @param role the role that tried to log in, or null if unknown
	 * @return e.g. {@code the server rejected the credentials of role 'orders' (28P01): rotate or fix the
	 * password}
	 */
	public static String describe(SQLException ex, @Nullable String role) {
		String fix = "28P01".equals(ex.getSQLState()) ? "rotate or fix the password"
				: "check that the role exists and pg_hba.conf lets it in";
		String whose = (role != null && !role.isEmpty()) ? "of role '" + role + "'" : "of the pool's role";
		return "the server rejected the credentials " + whose + " (" + ex.getSQLState() + "): " + fix;
	}

	/**
	 * Records a failed login of the pool. Other failures (server down, timeouts) are left to Hikari's own
	 * retry and messages.
	 * @param ex the failure
	 * @param role the role that tried
	 */
	void failed(SQLException ex, @Nullable String role) {
		this.latest = new Failure(ex, System.nanoTime());
		if (isRejectedLogin(ex)) {
			this.count.incrementAndGet();
			this.rejection = describe(ex, role);
		}
	}

	/**
	 * Records that the pool starts opening a connection.
	 */
	void opening() {
		this.opening.incrementAndGet();
	}

	/**
	 * Records that an opening ended, whatever its outcome.
	 */
	void opened() {
		this.opening.decrementAndGet();
	}

	/**
	 * Records a login the server accepted.
	 * @param startedNanos when its opening started, in {@link System#nanoTime()}
	 */
	void succeeded(long startedNanos) {
		this.rejection = null;
		this.latest = null;
		this.succeededStarted = startedNanos;
		this.succeededOnce = true;
	}

	/**
	 * Whether a connection of the pool is being opened now, its outcome not known yet.
	 * @return true while a login is under way
	 */
	public boolean isOpening() {
		return this.opening.get() > 0;
	}

	/**
	 * Whether a connection whose opening started at or after a moment logged in.
	 * @param nanos a {@link System#nanoTime()}
	 * @return true if the latest successful login started then or later
	 */
	public boolean succeededSince(long nanos) {
		return this.succeededOnce && this.succeededStarted - nanos >= 0;
	}

	/**
	 * Rejected logins since the pool started.
	 * @return the count
	 */
	public long count() {
		return this.count.get();
	}

	/**
	 * Why the latest login of the pool was rejected.
	 * @return the description, or null when the latest login succeeded or failed for another reason
	 */
	public @Nullable String latestRejection() {
		return this.rejection;
	}

	/**
	 * The failure of the pool's latest attempt to open a connection, whatever its cause: what a caller
	 * waiting for a connection gets as the cause of its timeout.
	 * @return the failure, or null when the latest attempt succeeded or there was none
	 */
	public @Nullable Failure latestFailure() {
		return this.latest;
	}

	/**
	 * A failed attempt to open a connection.
	 *
	 * @param exception what the driver threw, explained when Poolwise could (see
	 * {@link LoginRecordingDataSource})
	 * @param atNanos when it failed, in {@link System#nanoTime()}
	 */
	public record Failure(SQLException exception, long atNanos) {

	}

}
