package dev.poolwise.soak;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Injects faults one after another until a deadline, and at least one round: each round of the fault list
 * in an order the seed shuffles, each fault healed before a pause the seed chooses, so every fault is
 * injected once per round, however slow the machine, and their windows overlap when the pause is shorter
 * than a bound.
 */
final class Scheduler {

	private final SoakSettings settings;

	private final Random random;

	private final long origin;

	Scheduler(SoakSettings settings, Random random, long origin) {
		this.settings = settings;
		this.random = random;
		this.origin = origin;
	}

	List<Injection> run(Testbed testbed, long deadline) throws Exception {
		List<Injection> injections = new ArrayList<>();
		List<Fault> round = new ArrayList<>();
		while (System.nanoTime() < deadline || injections.size() < this.settings.faults().size()) {
			Duration gap = Testbed.hold(this.random, this.settings.minGap(), this.settings.maxGap());
			if (round.isEmpty()) {
				round.addAll(this.settings.faults());
				Collections.shuffle(round, this.random);
			}
			Fault fault = round.remove(0);
			long start = System.nanoTime();
			String detail = fault.inject(this.random, testbed);
			long end = System.nanoTime();
			Injection injection = Injection.of(injections.size() + 1, fault, detail, start, end,
					fault.bound().plus(this.settings.slack()));
			injections.add(injection);
			System.out.printf("SOAK %6.1f s  #%d %s (%s), healed after %d ms, gap before %d ms%n",
					(start - this.origin) / 1e9, injection.number(), fault.name(), detail, (end - start) / 1_000_000,
					gap.toMillis());
		}
		return injections;
	}

}
