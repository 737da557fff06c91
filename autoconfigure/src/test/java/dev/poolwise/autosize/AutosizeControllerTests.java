package dev.poolwise.autosize;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.IntFunction;

import org.junit.jupiter.api.Test;

import dev.poolwise.autosize.AutosizeController.Mode;
import dev.poolwise.autosize.Decision.Action;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The controller fed sequences of observations, one a second, from simulated pools: the working maximum it
 * chooses is applied to the next observation as a pool would apply it.
 */
class AutosizeControllerTests {

	private static final long SECOND = 1_000_000_000L;

	private static final Limits LIMITS = new Limits(10, 40, Integer.MAX_VALUE);

	private final AutosizeController controller = new AutosizeController(4, 0.3, 2, 30 * SECOND, 10 * SECOND, 0);

	private long now;

	private int max = 10;

	private int peak;

	private double served;

	@Test
	void rampsByTheWaitingCallersAtMostTriplingThePoolAndOnceAStepClearlyPaidGrowsToTheDemandOnTheNextTick() {
		this.max = 2;
		List<Decision> decisions = run(6, poolBound(40), new Limits(2, 50, Integer.MAX_VALUE));
		assertThat(decisions.get(0).reason()).isEqualTo("measuring the load before the first decision");
		assertThat(decisions).filteredOn(Decision::changes)
			.extracting(Decision::action, Decision::from, Decision::to)
			.containsExactly(tuple(Action.GROW, 2, 6), tuple(Action.GROW, 6, 40));
		assertThat(decisions.subList(1, 3)).allMatch(Decision::changes);
		assertThat(decisions.get(2).reason()).contains("helped and callers still wait");
		assertThat(this.max).isEqualTo(40);
	}

	@Test
	void inTheRampAStepThatPaidOnlyALittleIsFollowedByAtMostTriplingThePool() {
		this.max = 2;
		IntFunction<Observation> server = (max) -> {
			Observation o = serverBound(50).apply(max);
			double throughput = (max <= 2) ? 200 : 200 + (max - 2) * 40;
			return second(o.nanos(), o.pending(), o.active(), o.max(), throughput, o.meanWaitMillis(),
					o.inUse());
		};
		List<Decision> decisions = run(AutosizeControllerTests.defaults(), 4, server,
				new Limits(2, 50, Integer.MAX_VALUE));
		assertThat(decisions).filteredOn(Decision::changes).extracting(Decision::from, Decision::to)
			.startsWith(tuple(2, 6), tuple(6, 18));
	}

	@Test
	void aStepThatClearlyPaidAgainstABaseOfFewBorrowsIsFollowedByAtMostTriplingThePool() {
		this.max = 2;
		// callers that each hold a connection 500ms: a pool of 2 hands out 4 a second, too few to judge by
		IntFunction<Observation> slow = (max) -> {
			int busy = Math.min(max, 40);
			return second(this.now, 40 - busy, busy, max, busy * 2.0, (40 - busy) * 500.0 / busy, busy);
		};
		List<Decision> decisions = run(4, slow, new Limits(2, 50, Integer.MAX_VALUE));
		assertThat(decisions).filteredOn(Decision::changes).extracting(Decision::from, Decision::to)
			.startsWith(tuple(2, 6), tuple(6, 18));
	}

	@Test
	void belowItsGuaranteedShareOfTheFleetAPoolGrowsToItAtOnceWhenCallersWait() {
		this.max = 3;
		Limits squeezed = new Limits(2, 57, 3, 16);
		run(4, poolBound(50), squeezed);
		assertThat(this.max).isEqualTo(3);
		Decision decision = this.controller.decide(observe(poolBound(50)), new Limits(2, 57, 16, 16));
		assertThat(decision.action()).isEqualTo(Action.GROW);
		assertThat(decision.to()).isEqualTo(16);
	}

	@Test
	void aStepThatLooksBadOnceIsMeasuredAgainBeforeItIsBelieved() {
		this.max = 2;
		List<Decision> decisions = run(8, noisyAt(poolBound(40), 3), new Limits(2, 40, Integer.MAX_VALUE));
		assertThat(decisions.get(2).reason()).contains("step 2 -> 6")
			.endsWith("looked as if it did not help; measuring it again");
		assertThat(decisions).noneMatch((decision) -> decision.action() == Action.BACK_OFF);
		assertThat(this.max).isEqualTo(40);
	}

	@Test
	void aPoolHeldBelowDemandWithCallersStillWaitingTriesAgainWithoutALoadChange() {
		this.max = 2;
		Limits limits = new Limits(2, 40, Integer.MAX_VALUE);
		List<Decision> ramp = run(6, noisyAt(poolBound(40), 3, 4), limits);
		assertThat(ramp).filteredOn(Decision::changes).extracting(Decision::action, Decision::to)
			.containsExactly(tuple(Action.GROW, 6), tuple(Action.BACK_OFF, 2));
		assertThat(this.controller.mode()).isEqualTo(Mode.HOLDING);
		List<Decision> later = run(40, poolBound(40), limits);
		assertThat(later).filteredOn(Decision::changes).first().extracting(Decision::reason).asString()
			.startsWith("callers still wait at the knee 2").endsWith("trying a step again (retry 1 of 3)");
		assertThat(later).filteredOn(Decision::changes).extracting(Decision::action).containsOnly(Action.GROW);
		assertThat(this.max).isEqualTo(40);
	}

	@Test
	void backsOffToTheKneeWhenMoreConnectionsDoNotRaiseThroughputAndClimbsToItInSteps() {
		List<Decision> decisions = run(120, serverBound(14), LIMITS);
		List<Decision> changes = decisions.stream().filter(Decision::changes).toList();
		assertThat(changes).extracting(Decision::action, Decision::to)
			.startsWith(tuple(Action.GROW, 30), tuple(Action.BACK_OFF, 10), tuple(Action.GROW, 14),
					tuple(Action.GROW, 18), tuple(Action.BACK_OFF, 14));
		assertThat(this.max).isEqualTo(14);
		assertThat(this.controller.mode()).isEqualTo(Mode.HOLDING);
		assertThat(this.controller.knee()).isEqualTo(14);
		assertThat(changes.get(changes.size() - 1).reason()).contains("did not help, measured twice")
			.contains("back to the knee at 14");
		assertThat(changes).filteredOn((decision) -> decision.reason().contains("retry 3 of 3")).hasSize(1);
	}

	@Test
	void aDepressedFirstWindowIsNotTakenAsTheBaseOfTheFirstStep() {
		this.controller.decide(observe((max) -> second(this.now, 30, max, max, 200, 100, max)), LIMITS);
		List<Decision> decisions = run(12, serverBound(10), LIMITS);
		assertThat(decisions).filteredOn(Decision::changes).extracting(Decision::action)
			.containsExactly(Action.GROW, Action.BACK_OFF);
		assertThat(this.max).isEqualTo(10);
	}

	@Test
	void onASaturatedServerSharedWithOtherInstancesWaitingCallersStillGrowThePoolToItsGuaranteedShare() {
		Limits fleet = new Limits(5, 50, 20, 14);
		this.max = 5;
		List<Decision> decisions = run(12, serverBound(5), fleet);
		assertThat(decisions).noneMatch((decision) -> decision.action() == Action.BACK_OFF && decision.to() < 14);
		assertThat(this.max).isBetween(14, 20);
		assertThat(decisions).filteredOn(Decision::changes).first().extracting(Decision::action)
			.isEqualTo(Action.GROW);
	}

	@Test
	void holdsAtTheKneeUnderSteadyLoadWithoutChangingAgainOnceItsRetriesDidNotPay() {
		run(120, serverBound(14), LIMITS);
		List<Decision> later = run(600, serverBound(14), LIMITS);
		assertThat(later).noneMatch(Decision::changes);
	}

	@Test
	void anHourOfSteadyLoadWithTenPercentNoiseFindsTheKneeWithinAStepAndStaysThere() {
		Random noise = new Random(20261202);
		IntFunction<Observation> noisy = (max) -> {
			Observation o = serverBound(14).apply(max);
			double factor = 1 + (noise.nextDouble() - 0.5) * 0.2;
			return second(o.nanos(), o.pending(), o.active(), o.max(), o.throughput() * factor,
					o.meanWaitMillis() / factor, o.inUse());
		};
		run(200, noisy, LIMITS);
		int knee = this.max;
		assertThat(knee).as("the noise hides a step's worth of the knee, no more").isBetween(14, 14 + 4);
		List<Decision> hour = run(3600, noisy, LIMITS);
		List<Decision> changes = hour.stream().filter(Decision::changes).toList();
		System.out.println("Steady load at the knee with 10% noise: knee " + knee + ", " + changes.size()
				+ " changes in an hour");
		assertThat(changes).hasSizeLessThanOrEqualTo(12);
		assertThat(this.max).isEqualTo(knee);
	}

	@Test
	void onACpuBoundServerAFloorBelowTheKneeFindsTheKneeAndHoldsThereThroughAnHourOfNoise() {
		AutosizeController defaults = defaults();
		Limits limits = new Limits(2, 50, Integer.MAX_VALUE);
		for (long seed = 1; seed <= 5; seed++) {
			this.max = 2;
			IntFunction<Observation> server = noisy(cpuBound(40, 2), new Random(seed), 0.1);
			List<Decision> decisions = run(defaults, 3600, server, limits);
			double mean = this.served / 3600;
			assertThat(this.peak).as("seed %d", seed).isLessThanOrEqualTo(6);
			assertThat(this.max).as("seed %d", seed).isEqualTo(2);
			assertThat(mean).as("seed %d", seed).isGreaterThanOrEqualTo(0.95 * cpuBound(40, 2).apply(2).throughput());
			assertThat(decisions.stream().filter(Decision::changes).count()).as("seed %d", seed).isLessThanOrEqualTo(8);
			this.served = 0;
			this.peak = 0;
			defaults = defaults();
		}
	}

	@Test
	void onACpuBoundServerStepsFromTheKneeThatOnlyNoiseMadeLookGoodDoNotRatchetThePoolUp() {
		for (long seed = 1; seed <= 5; seed++) {
			AutosizeController defaults = defaults();
			this.max = 10;
			IntFunction<Observation> server = noisy(cpuBound(40, 2), new Random(seed), 0.1);
			run(defaults, 3600, server, new Limits(10, 50, Integer.MAX_VALUE));
			assertThat(this.max).as("seed %d", seed).isEqualTo(10);
		}
	}

	@Test
	void aStepFromTheKneeThatHelpedOnlyALittleIsMeasuredAgainBeforeItIsBelieved() {
		AutosizeController defaults = defaults();
		Limits limits = new Limits(10, 50, Integer.MAX_VALUE);
		run(defaults, 12, cpuBound(40, 2), limits);
		assertThat(this.max).isEqualTo(10);
		int[] tick = { 0 };
		IntFunction<Observation> flat = cpuBound(40, 2);
		IntFunction<Observation> luckyOnce = (max) -> {
			Observation o = flat.apply(max);
			boolean lucky = max > 10 && tick[0]++ == 1;
			return lucky ? second(o.nanos(), o.pending(), o.active(), o.max(), o.throughput() * 1.08,
					o.meanWaitMillis(), o.inUse()) : o;
		};
		List<Decision> decisions = run(defaults, 20, luckyOnce, limits);
		assertThat(decisions).filteredOn(Decision::changes).extracting(Decision::action, Decision::to)
			.containsExactly(tuple(Action.GROW, 12), tuple(Action.BACK_OFF, 10));
		assertThat(decisions).anySatisfy((decision) -> assertThat(decision.reason()).startsWith("step 10 -> 12")
			.endsWith("helped only a little; measuring it again"));
	}

	@Test
	void inTheRampAStepThatHelpsALittleOnceItsConnectionsAreOpenIsBelievedOnItsSecondTick() {
		AutosizeController defaults = defaults();
		this.max = 2;
		int[] seen = { 0, 2 };
		IntFunction<Observation> opening = (max) -> {
			boolean first = max != seen[1];
			seen[1] = max;
			double throughput = (max <= 2) ? 120 : (max <= 6) ? 200 : 210;
			if (first && seen[0]++ > 0) {
				throughput = 130;
			}
			return second(this.now, 40 - max, max, max, throughput, (40 - max) * 1000 / throughput, max);
		};
		List<Decision> decisions = run(defaults, 8, opening, new Limits(2, 50, Integer.MAX_VALUE));
		assertThat(decisions).filteredOn(Decision::changes).extracting(Decision::action, Decision::to)
			.containsExactly(tuple(Action.GROW, 6), tuple(Action.GROW, 18), tuple(Action.BACK_OFF, 6));
		assertThat(decisions.get(2).reason()).startsWith("step 2 -> 6").endsWith("measuring it again");
	}

	@Test
	void probesAgainWhenTheLoadAtTheKneeChanges() {
		run(10, serverBound(14), LIMITS);
		List<Decision> decisions = run(20, poolBound(100), LIMITS);
		assertThat(decisions).filteredOn(Decision::changes).first().extracting(Decision::action)
			.isEqualTo(Action.GROW);
		assertThat(this.max).isGreaterThan(14);
	}

	@Test
	void shrinksSlowlyTowardTheFloorOnlyAfterTheShrinkDelayAndOneChangePerCooldown() {
		run(10, poolBound(60), new Limits(10, 30, Integer.MAX_VALUE));
		int grown = this.max;
		List<Decision> idle = run(29, idle(2), LIMITS);
		assertThat(idle).noneMatch(Decision::changes);
		List<Decision> decisions = new ArrayList<>(run(1, idle(2), LIMITS));
		assertThat(this.controller.mode()).isEqualTo(Mode.SHRINKING);
		decisions.addAll(run(119, idle(2), LIMITS));
		assertThat(this.controller.mode()).isEqualTo(Mode.STEADY);
		List<Decision> shrinks = decisions.stream().filter(Decision::changes).toList();
		assertThat(shrinks).allMatch((decision) -> decision.action() == Action.SHRINK
				&& decision.from() - decision.to() <= 4);
		assertThat(this.max).isEqualTo(10);
		assertThat(shrinks).hasSize((grown - 10 + 3) / 4);
		assertThat(shrinks.get(0).reason()).contains("no caller waited for 30s");
	}

	@Test
	void aSpikeThatEndsBeforeAStepIsJudgedKeepsThePoolGrownForTheNextSpike() {
		List<Decision> first = run(2, poolBound(60), LIMITS);
		assertThat(first).extracting(Decision::action).containsExactly(Action.NONE, Action.GROW);
		int afterSpike = this.max;
		List<Decision> after = run(5, idle(3), LIMITS);
		assertThat(after).noneMatch(Decision::changes);
		assertThat(this.max).isEqualTo(afterSpike);
		assertThat(this.controller.mode()).isEqualTo(Mode.STEADY);
	}

	@Test
	void neverGrowsPastTheBudgetShareAndCutsBackAtOnceWhenTheShareShrinks() {
		run(20, poolBound(60), new Limits(10, 40, 22));
		assertThat(this.max).isEqualTo(22);
		run(4, poolBound(60), new Limits(10, 40, 30));
		assertThat(this.max).as("grows again as soon as the share rises").isEqualTo(30);
		Decision cut = this.controller.decide(observe(poolBound(60)), new Limits(10, 40, 15));
		assertThat(cut.action()).isEqualTo(Action.LIMIT);
		assertThat(cut.to()).isEqualTo(15);
		assertThat(cut.reason()).contains("share of the connection budget 15");
	}

	/**
	 * What a tick measures over a second wholly under the load: every borrow of the second counts.
	 */
	private static Observation second(long nanos, int pending, int active, int max, double throughput,
			double meanWaitMillis, double inUse) {
		return new Observation(nanos, pending, active, max, throughput, meanWaitMillis, inUse, Math.round(throughput));
	}

	private List<Decision> run(int ticks, IntFunction<Observation> pool, Limits limits) {
		return run(this.controller, ticks, pool, limits);
	}

	private List<Decision> run(AutosizeController controller, int ticks, IntFunction<Observation> pool,
			Limits limits) {
		List<Decision> decisions = new ArrayList<>();
		for (int i = 0; i < ticks; i++) {
			Observation o = observe(pool);
			this.served += o.throughput();
			Decision decision = controller.decide(o, limits);
			this.max = decision.to();
			this.peak = Math.max(this.peak, this.max);
			decisions.add(decision);
		}
		return decisions;
	}

	/**
	 * The controller with the defaults users get: step 2, min-gain 0.3, wait threshold 2ms, shrink delay 30s,
	 * cooldown 10s.
	 */
	private static AutosizeController defaults() {
		return new AutosizeController(2, 0.3, 2, 30 * SECOND, 10 * SECOND, 0);
	}

	private Observation observe(IntFunction<Observation> pool) {
		this.now += SECOND;
		return pool.apply(this.max);
	}

	/**
	 * Clients each holding a connection for 10ms with {@code demand} of them at once: throughput grows with
	 * the pool until it serves them all.
	 */
	private IntFunction<Observation> poolBound(int demand) {
		return (max) -> {
			int busy = Math.min(max, demand);
			int pending = demand - busy;
			return second(this.now, pending, busy, max, busy * 100.0, (pending > 0) ? 10.0 * pending / busy : 0.1,
					busy);
		};
	}

	/**
	 * A pool whose throughput reads half what it is on the given observations (1 is the first), as a noisy
	 * second would.
	 */
	private IntFunction<Observation> noisyAt(IntFunction<Observation> pool, int... noisy) {
		int[] count = { 0 };
		return (max) -> {
			Observation o = pool.apply(max);
			count[0]++;
			boolean depressed = Arrays.stream(noisy).anyMatch((n) -> n == count[0]);
			return depressed ? second(o.nanos(), o.pending(), o.active(), o.max(), o.throughput() / 2,
					o.meanWaitMillis() * 2, o.inUse()) : o;
		};
	}

	/**
	 * A server whose throughput stops rising at {@code knee} connections and falls slightly beyond, with 50
	 * clients always waiting.
	 */
	private IntFunction<Observation> serverBound(int knee) {
		return (max) -> {
			double throughput = (max <= knee) ? max * 100.0 : knee * 100.0 - (max - knee) * 5;
			return second(this.now, 50 - max, max, max, throughput, (50 - max) * 1000 / throughput, max);
		};
	}

	/**
	 * A server whose CPU is the bottleneck, with {@code clients} callers always busy: throughput rises with the
	 * connections up to {@code knee}, then falls 2% a connection (more backends share the cores) down to 85% of
	 * the peak, as workload 3 of the autosizing study measured on two cores.
	 */
	private IntFunction<Observation> cpuBound(int clients, int knee) {
		return (max) -> {
			double peak = 330;
			double throughput = (max <= knee) ? peak * max / knee : peak * Math.max(0.85, 1 - 0.02 * (max - knee));
			int busy = Math.min(max, clients);
			int pending = clients - busy;
			return second(this.now, pending, busy, max, throughput, pending * 1000 / throughput, busy);
		};
	}

	/**
	 * Throughput and wait off by up to {@code share} at random on every tick.
	 */
	private static IntFunction<Observation> noisy(IntFunction<Observation> pool, Random noise, double share) {
		return (max) -> {
			Observation o = pool.apply(max);
			double factor = 1 + (noise.nextDouble() - 0.5) * 2 * share;
			return second(o.nanos(), o.pending(), o.active(), o.max(), o.throughput() * factor,
					o.meanWaitMillis() / factor, o.inUse());
		};
	}

	private IntFunction<Observation> idle(double inUse) {
		return (max) -> second(this.now, 0, (int) inUse, max, inUse * 100, 0.05, inUse);
	}

}
