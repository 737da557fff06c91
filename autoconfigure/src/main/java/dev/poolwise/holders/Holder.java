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
	 * The thread's name; a virtual thread, which has none unless given one, as the JDK writes it.
	 * @return the name, e.g. {@code http-nio-8080-exec-3} or {@code VirtualThread[#42]}, or
	 * {@code unknown thread}
	 */
	public String threadName() {
		if (this.thread == null) {
			return "unknown thread";
		}
		String name = this.thread.getName();
		if (!name.isEmpty()) {
			return name;
		}
		String described = this.thread.toString();
		int slash = described.indexOf('/');
		return (slash > 0) ? described.substring(0, slash) : described;
	}

	/**
	 * Where in the application the thread is now.
	 * @return e.g. {@code OrderService.export}, or {@code (no application frame)}
	 */
	public String where() {
		StackTraceElement frame = ApplicationFrames.first(this.stack);
		return (frame != null) ? ApplicationFrames.describe(frame) : NO_APPLICATION_FRAME;
	}

}
