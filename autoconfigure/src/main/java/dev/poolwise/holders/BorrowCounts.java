package dev.poolwise.holders;

/**
 * A pool's borrows since it started, as its tracker counted them on the borrowing threads: the same numbers
 * whatever meter registry the application has, or none. Two readings apart give the load between them.
 *
 * @param attempts borrows that got a connection or timed out
 * @param timeouts borrows that timed out
 * @param waitNanos time all attempts waited for a connection
 * @param heldMillis time connections were held, counted when they were returned
 */
public record BorrowCounts(long attempts, long timeouts, long waitNanos, long heldMillis) {

	/**
	 * Before the first borrow.
	 */
	public static final BorrowCounts NONE = new BorrowCounts(0, 0, 0, 0);

}
