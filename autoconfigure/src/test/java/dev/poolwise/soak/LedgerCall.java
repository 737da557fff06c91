package dev.poolwise.soak;

import java.sql.SQLException;

import org.jspecify.annotations.Nullable;

/**
 * One call of the load as its caller saw it, each made once and never retried.
 *
 * @param kind a transfer, a read of the total, or a writer reading its own transfer back
 * @param id the transfer's client-generated id (for a read-back, the transfer read back); 0 for a read
 * @param start when the call started, {@link System#nanoTime()}
 * @param end when it returned or threw
 * @param outcome what the caller can know about it
 * @param failure what it threw, or null
 * @param port for an acknowledged call, the port of the server that ran it ({@code inet_server_port()} in the
 *     same transaction): the primary that committed a transfer, the replica or primary that served a read
 * @param total for an acknowledged read, the total it saw; for a read-back, the rows of its transfer it saw
 */
public record LedgerCall(Kind kind, long id, long start, long end, Outcome outcome, @Nullable SQLException failure,
		int port, long total) {

	/**
	 * Whether the call was a transfer, else one of the reads.
	 * @return true for a transfer
	 */
	public boolean write() {
		return this.kind == Kind.TRANSFER;
	}

	public boolean failed() {
		return this.failure != null;
	}

	/**
	 * What a call did.
	 */
	public enum Kind {

		/**
		 * A transfer on the primary.
		 */
		TRANSFER,

		/**
		 * A read-only transaction reading the total, routed to a replica or the primary.
		 */
		READ,

		/**
		 * A read-only transaction on the writer's thread, right after its acknowledged transfer, that must see it.
		 */
		READ_BACK

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
