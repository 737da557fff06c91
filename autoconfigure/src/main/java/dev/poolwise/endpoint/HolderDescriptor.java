package dev.poolwise.endpoint;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.poolwise.holders.Backend;
import dev.poolwise.holders.Holder;

/**
 * A thread that holds one of the pool's connections, and what its backend is doing.
 *
 * @param thread the thread's name, or {@code unknown thread}
 * @param heldSeconds how long the connection has been lent
 * @param where the thread's first application frame now, e.g. {@code OrderService.export}
 * @param pid the backend's process id, or null
 * @param backend the backend's state in words, e.g. {@code idle in transaction for 3.0 s}, as the endpoint's
 * last read of the server found it; null when the server could not be read, has no such session, or was last
 * read before this holder borrowed the connection (the state would be an earlier holder's)
 * @param waitEvent what the backend waits for, e.g. {@code Lock:transactionid}, or null
 * @param transactionSeconds age of the backend's open transaction, null outside one
 * @param backendReadSecondsAgo how long ago the backend was read (at most the sample's time-to-live), null
 * without a backend
 * @param stack the thread's stack, only where values may be shown, else null
 */
public record HolderDescriptor(String thread, double heldSeconds, String where, @Nullable Integer pid,
		@Nullable String backend, @Nullable String waitEvent, @Nullable Double transactionSeconds,
		@Nullable Double backendReadSecondsAgo, @Nullable List<String> stack) {

	/**
	 * A holder, with its backend as read by a server read that began after it borrowed.
	 * @param holder the holder
	 * @param backends the backends the read found, by pid
	 * @param readAgo how long ago that read began
	 * @param showValues whether the stack may be shown
	 * @return the holder's description
	 */
	static HolderDescriptor of(Holder holder, Map<Integer, Backend> backends, Duration readAgo, boolean showValues) {
		boolean readSinceBorrowed = holder.held().compareTo(readAgo) >= 0;
		Backend backend = (holder.pid() != null && readSinceBorrowed) ? backends.get(holder.pid()) : null;
		return new HolderDescriptor(holder.threadName(), holder.held().toMillis() / 1000.0, holder.where(),
				holder.pid(), (backend != null) ? backend.describe() : null,
				(backend != null) ? backend.waitingFor() : null,
				(backend != null) ? backend.transactionSeconds() : null,
				(backend != null) ? readAgo.toMillis() / 1000.0 : null,
				showValues ? Arrays.stream(holder.stack()).map(StackTraceElement::toString).toList() : null);
	}

}
