package dev.poolwise.endpoint;

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
 * @param backend the backend's state in words, e.g. {@code idle in transaction for 3.0 s}; null when the
 * server could not be read or has no such session
 * @param waitEvent what the backend waits for, e.g. {@code Lock:transactionid}, or null
 * @param transactionSeconds age of the backend's open transaction, null outside one
 * @param stack the thread's stack, only where values may be shown, else null
 */
public record HolderDescriptor(String thread, double heldSeconds, String where, @Nullable Integer pid,
		@Nullable String backend, @Nullable String waitEvent, @Nullable Double transactionSeconds,
		@Nullable List<String> stack) {

	static HolderDescriptor of(Holder holder, Map<Integer, Backend> backends, boolean showValues) {
		Backend backend = (holder.pid() != null) ? backends.get(holder.pid()) : null;
		return new HolderDescriptor(holder.threadName(), holder.held().toMillis() / 1000.0, holder.where(),
				holder.pid(), (backend != null) ? backend.describe() : null,
				(backend != null) ? backend.waitingFor() : null,
				(backend != null) ? backend.transactionSeconds() : null,
				showValues ? Arrays.stream(holder.stack()).map(StackTraceElement::toString).toList() : null);
	}

}
