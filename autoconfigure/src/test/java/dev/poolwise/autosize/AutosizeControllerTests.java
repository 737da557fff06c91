package dev.poolwise.autosize;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.IntFunction;

import org.junit.jupiter.api.Test;

import dev.poolwise.autosize.AutosizeController.Mode;
import dev.poolwise.autosize.Decision.Action;

import static org.assertj.core.api.Assertions.assertThat;

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

	@Test
	void growsInStepsWhileEachStepRaisesThroughputUntilNoCallerWaits() {
		List<Decision> decisions = run(20, poolBound(26), LIMITS);
		assertThat(decisions).extracting(Decision::action).startsWith(Action.NONE, Action.GROW, Action.NONE,
				Action.GROW, Action.NONE, Action.GROW);
		assertThat(decisions.get(0).reason()).isEqualTo("measuring the load before the first decision");
		assertThat(decisions.get(2).reason()).contains("settle");
		assertThat(decisions).filteredOn(Decision::changes).extracting(Decision::action).containsOnly(Action.GROW);
		assertThat(this.max).isBetween(26, 30);
		assertThat(decisions.subList(12, 20)).noneMatch(Decision::changes);
		assertThat(decisions.get(3).reason()).contains("helped and callers still wait");
	}

	@Test
	void backsOffToTheKneeWhenMoreConnectionsDoNotRaiseThroughput() {
		List<Decision> decisions = run(30, serverBound(14), LIMITS);
		assertThat(decisions).filteredOn(Decision::changes)
			.extracting(Decision::action)
			.containsExactly(Action.GROW, Action.GROW, Action.BACK_OFF);
		assertThat(this.max).isEqualTo(14);
		assertThat(this.controller.mode()).isEqualTo(Mode.HOLDING);
		assertThat(this.controller.knee()).isEqualTo(14);
		assertThat(decisions).filteredOn((decision) -> decision.action() == Action.BACK_OFF).singleElement()
			.extracting(Decision::reason).asString().contains("did not help").contains("back to the knee at 14");
	}

	@Test
	void aDepressedFirstWindowIsNotTakenAsTheBaseOfTheFirstStep() {
		this.controller.decide(observe((max) -> new Observation(this.now, 30, max, max, 200, 100, max)), LIMITS);
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
	void holdsAtTheKneeUnderSteadyLoadWithoutChangingAgain() {
		run(10, serverBound(14), LIMITS);
		List<Decision> later = run(600, serverBound(14), LIMITS);
		assertThat(later).noneMatch(Decision::changes);
	}

	@Test
	void anHourOfSteadyLoadWithTenPercentNoiseFindsTheKneeWithinAStepAndStaysThere() {
		Random noise = new Random(20261202);
		IntFunction<Observation> noisy = (max) -> {
			Observation o = serverBound(14).apply(max);
			double factor = 1 + (noise.nextDouble() - 0.5) * 0.2;
			return new Observation(o.nanos(), o.pending(), o.active(), o.max(), o.throughput() * factor,
					o.meanWaitMillis() / factor, o.inUse());
		};
		run(10, noisy, LIMITS);
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
		List<Decision> decisions = run(120, idle(2), LIMITS);
		List<Decision> shrinks = decisions.stream().filter(Decision::changes).toList();
		assertThat(shrinks).allMatch((decision) -> decision.action() == Action.SHRINK
				&& decision.from() - decision.to() <= 4);
		assertThat(this.max).isEqualTo(10);
		assertThat(shrinks).hasSize((grown - 10 + 3) / 4);
		assertThat(shrinks.get(0).reason()).contains("no caller waited for 30s");
	}

	@Test
	void aSpikeThatEndsBeforeAStepIsJudgedKeepsThePoolGrownForTheNextSpike() {
		List<Decision> first = run(3, poolBound(60), LIMITS);
		assertThat(first).extracting(Decision::action).containsExactly(Action.NONE, Action.GROW, Action.NONE);
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

	private List<Decision> run(int ticks, IntFunction<Observation> pool, Limits limits) {
		List<Decision> decisions = new ArrayList<>();
		for (int i = 0; i < ticks; i++) {
			Decision decision = this.controller.decide(observe(pool), limits);
			this.max = decision.to();
			decisions.add(decision);
		}
		return decisions;
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
			return new Observation(this.now, pending, busy, max, busy * 100.0, (pending > 0) ? 10.0 * pending / busy : 0.1,
					busy);
		};
	}

	/**
	 * A server whose throughput stops rising at {@code knee} connections and falls slightly beyond, with 50
	 * clients always waiting.
	 */
	private IntFunction<Observation> serverBound(int knee) {
		return (max) -> {
			double throughput = (max <= knee) ? max * 100.0 : knee * 100.0 - (max - knee) * 5;
			return new Observation(this.now, 50 - max, max, max, throughput, (50 - max) * 1000 / throughput, max);
		};
	}

	private IntFunction<Observation> idle(double inUse) {
		return (max) -> new Observation(this.now, 0, (int) inUse, max, inUse * 100, 0.05, inUse);
	}

}
