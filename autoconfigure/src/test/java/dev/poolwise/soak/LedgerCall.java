package dev.poolwise.soak;

import java.sql.SQLException;

import org.jspecify.annotations.Nullable;

/**
 * One call of the load as its caller saw it, each made once and never retried.
 *
 * @param write whether it was a transfer, else a read of the total
 * @param id the transfer's client-generated id; 0 for a read
 * @param start when the call started, {@link System#nanoTime()}
 * @param end when it returned or threw
 * @param outcome what the caller can know about it
 * @param failure what it threw, or null
 * @param port for an acknowledged transfer, the port of the server that committed it
 *     ({@code inet_server_port()} in the same transaction); for an acknowledged read, 0
 * @param total for an acknowledged read, the total it saw
 */
public record LedgerCall(boolean write, long id, long start, long end, Outcome outcome, @Nullable SQLException failure,
		int port, long total) {

	public boolean failed() {
		return this.failure != null;
	}

	/**
	 * What the caller knows about its call.
	 */
	public enum Outcome {

		/**
		 * It returned: for a transfer, {@code COMMIT} was answered.
		 */
		ACKNOWLEDGED,

		/**
		 * It threw before {@code COMMIT} was sent: nothing of it may be on the server.
		 */
		FAILED,

		/**
		 * {@code COMMIT} itself threw: the connection died with the answer on its way, so the transfer may or may
		 * not be there, but at most once.
		 */
		UNKNOWN

	}

}
