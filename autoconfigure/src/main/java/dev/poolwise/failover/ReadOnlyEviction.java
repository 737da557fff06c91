package dev.poolwise.failover;

import java.sql.SQLException;
import java.util.function.Consumer;

import com.zaxxer.hikari.SQLExceptionOverride;
import org.jspecify.annotations.Nullable;

/**
 * Hikari's exception override for a pool that writes to the primary. Hikari evicts a connection on
 * {@code 08xxx} and {@code 57P01}, but not on {@code 25006} (read-only transaction), which is what every
 * connection still open to a demoted primary, or to a standby behind a moved host name, answers to a write:
 * without this the pool keeps failing writes until {@code recycle}. A connection reporting {@code 25006}
 * is evicted, and so is the rest of the pool (once per quiet period), because its other connections are
 * on the same server; connection losses ({@code 08xxx}) keep Hikari's own verdict and also empty the pool,
 * so that callers do not each pay a failed validation. A session ended on the server ({@code 57P01}, as
 * {@code pg_terminate_backend} or a shutdown ends it) costs only its own connection: a DBA ending one
 * query says nothing about the others. Nothing is retried: the failed statement's exception reaches the
 * caller unchanged.
 */
public final class ReadOnlyEviction implements SQLExceptionOverride {

	private static final String READ_ONLY_TRANSACTION = "25006";

	private final @Nullable SQLExceptionOverride application;

	private final Consumer<String> evictPool;

	/**
	 * Creates an override that decides after the application's own.
	 * @param application the override the application configured, asked first; null when there is none
	 * @param evictPool evicts every connection of the pool, given the SQLSTATE that proved the server
	 * unusable
	 */
	public ReadOnlyEviction(@Nullable SQLExceptionOverride application, Consumer<String> evictPool) {
		this.application = application;
		this.evictPool = evictPool;
	}

	@java.lang.Override
	public Override adjudicate(SQLException ex) {
		if (this.application != null) {
			Override verdict = this.application.adjudicate(ex);
			if (verdict != Override.CONTINUE_EVICT) {
				return verdict;
			}
		}
		String state = ex.getSQLState();
		if (READ_ONLY_TRANSACTION.equals(state)) {
			this.evictPool.accept(state);
			return Override.MUST_EVICT;
		}
		if (state != null && state.startsWith("08")) {
			this.evictPool.accept(state);
		}
		return Override.CONTINUE_EVICT;
	}

	/**
	 * The application's override this one defers to.
	 * @return the override, or null
	 */
	public @Nullable SQLExceptionOverride getApplicationOverride() {
		return this.application;
	}

}
