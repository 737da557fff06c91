package dev.poolwise.holders;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * A thread that holds one of a pool's connections, as seen when a report is made.
 *
 * @param thread the thread, or null when the connection's borrower is not known (lent to one thread and
 * passed to another)
 * @param held how long the connection has been lent
 * @param pid its backend's process id, or null when the driver does not tell
 * @param stack the thread's stack when the report was made, top first; empty when the thread is unknown
 */
public record Holder(@Nullable Thread thread, Duration held, @Nullable Integer pid, StackTraceElement[] stack) {

	/** What stands for a holder with no application frame on its stack. */
	static final String NO_APPLICATION_FRAME = "(no application frame)";

	/**
	 * The thread's name.
	 * @return the name, or {@code unknown thread}
	 */
	public String threadName() {
		return (this.thread != null) ? this.thread.getName() : "unknown thread";
	}

	/**
	 * Where in the application the thread is now.
	 * @return e.g. {@code OrderService.export}, or {@code (no application frame)}
	 */
	public String where() {
		StackTraceElement frame = ApplicationFrames.first(this.stack);
		return (frame != null) ? ApplicationFrames.describe(frame) : NO_APPLICATION_FRAME;
	}

	/**
	 * The thread's first application frame with its file and line.
	 * @return e.g. {@code com.example.OrderService.export(OrderService.java:42)}, or null
	 */
	public @Nullable String applicationFrame() {
		StackTraceElement frame = ApplicationFrames.first(this.stack);
		return (frame != null) ? frame.toString() : null;
	}

}
