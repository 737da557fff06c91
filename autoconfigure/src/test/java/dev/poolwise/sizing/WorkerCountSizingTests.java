package dev.poolwise.sizing;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class WorkerCountSizingTests {

	@ParameterizedTest(name = "{0} workers -> size {1}, max {2}")
	@CsvSource({ "1, 2, 10", "10, 2, 10", "20, 2, 10", "30, 3, 15", "50, 5, 20", "100, 5, 20", "200, 5, 20",
			"1000, 5, 20" })
	void defaultFormulaClampsTenthAndHalfOfTheWorkers(int workers, int size, int max) {
		WorkerCountSizing.PoolSize poolSize = WorkerCountSizing.DEFAULT.size(workers);
		assertThat(poolSize.min()).isEqualTo(size);
		assertThat(poolSize.max()).isEqualTo(max);
		assertThat(poolSize.overflow()).isEqualTo(max - size);
	}

	@ParameterizedTest(name = "{0} workers -> size {1}, max {2}")
	@CsvSource({ "1, 1, 3", "40, 8, 30", "400, 40, 100" })
	void customRatiosAndClampsReplaceTheDefaults(int workers, int size, int max) {
		WorkerCountSizing sizing = new WorkerCountSizing(0.2, 0.75, 1, 40, 3, 100);
		assertThat(sizing.size(workers)).isEqualTo(new WorkerCountSizing.PoolSize(size, max));
	}

}
