package dev.poolwise.soak;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Which server may take writes when, as the faults that move the primary record it: what the check that no
 * write was accepted by a server that was no longer the primary compares each acknowledged write against.
 */
final class Primaries {

	private final List<Primary> history = new CopyOnWriteArrayList<>();

	/**
	 * Starts the history with the server that is the primary now.
	 * @param port its own port
	 */
	Primaries(int port) {
		this.history.add(new Primary(System.nanoTime(), port));
	}

	/**
	 * From now on only the server on this port may take writes.
	 * @param port its own port
	 */
	void movesTo(int port) {
		this.history.add(new Primary(System.nanoTime(), port));
	}

	/**
	 * Whether the server on a port was the primary at some moment of a call.
	 * @param port the server's own port, as {@code inet_server_port()} reported it
	 * @param start the call's start, {@link System#nanoTime()}
	 * @param end the call's end
	 * @return true if so
	 */
	boolean wasPrimary(int port, long start, long end) {
		List<Primary> during = new ArrayList<>();
		Primary atStart = this.history.get(0);
		for (Primary primary : this.history) {
			if (primary.since() <= start) {
				atStart = primary;
			}
			else if (primary.since() <= end) {
				during.add(primary);
			}
		}
		during.add(atStart);
		return during.stream().anyMatch((primary) -> primary.port() == port);
	}

	/**
	 * The server that may take writes from a point in time on.
	 */
	private record Primary(long since, int port) {

	}

}
