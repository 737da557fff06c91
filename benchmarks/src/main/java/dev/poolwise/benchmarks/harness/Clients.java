package dev.poolwise.benchmarks.harness;

import java.util.ArrayList;
import java.util.List;

/**
 * A client count of a run, on platform threads or virtual threads.
 * @param count concurrent clients
 * @param virtual whether each client is a virtual thread
 */
public record Clients(int count, boolean virtual) {

	public static List<Clients> forThisJvm() {
		List<Clients> all = new ArrayList<>(List.of(new Clients(1, false), new Clients(10, false),
				new Clients(100, false)));
		if (ClientLoad.virtualThreadsAvailable()) {
			all.add(new Clients(1000, true));
		}
		return all;
	}

	public String label() {
		return String.format("%,d", this.count) + (this.virtual ? " virtual" : "");
	}

}
