package dev.poolwise.holders;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.poolwise.holders.Holdings.Holding;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The record of which thread holds what.
 */
class HoldingsTests {

	private final Holdings holdings = new Holdings();

	@Test
	void aThreadThatBorrowsTwiceHoldsTwoUntilItReturnsBoth() {
		this.holdings.borrowed();
		this.holdings.borrowed();
		assertThat(this.holdings.all()).hasSize(2).allMatch((holding) -> holding.thread() == Thread.currentThread());
		assertThat(this.holdings.returned()).isTrue();
		assertThat(this.holdings.all()).hasSize(1);
		assertThat(this.holdings.returned()).isTrue();
		assertThat(this.holdings.all()).isEmpty();
	}

	@Test
	void slotsOfThreadsThatEndedAreSweptAsNewThreadsBorrow() throws InterruptedException {
		for (int i = 0; i < 200; i++) {
			Thread thread = new Thread(() -> {
				this.holdings.borrowed();
				this.holdings.returned();
			});
			thread.start();
			thread.join();
		}
		assertThat(this.holdings.threads()).isLessThanOrEqualTo(65);
		assertThat(this.holdings.all()).isEmpty();
	}

	@Test
	void aReturnByAThreadThatHoldsNothingIsToldApart() {
		assertThat(this.holdings.returned()).isFalse();
	}

	@Test
	void forgettingAnOlderHoldingKeepsTheNewerOne() {
		this.holdings.borrowed();
		List<Holding> first = this.holdings.all();
		this.holdings.borrowed();
		this.holdings.forget(first);
		assertThat(this.holdings.all()).hasSize(1).doesNotContainAnyElementsOf(first);
		this.holdings.forget(this.holdings.all());
		assertThat(this.holdings.all()).isEmpty();
	}

}
