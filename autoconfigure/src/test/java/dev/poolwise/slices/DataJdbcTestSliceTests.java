package dev.poolwise.slices;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.data.jdbc.test.autoconfigure.DataJdbcTest;
import org.springframework.boot.jdbc.test.autoconfigure.AutoConfigureTestDatabase;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.poolwise.tuned.TunedPools;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code @DataJdbcTest} on the real PostgreSQL gets the pool the application gets.
 */
@DataJdbcTest
@DirtiesContext
@AutoConfigureTestDatabase(replace = AutoConfigureTestDatabase.Replace.NONE)
class DataJdbcTestSliceTests {

	@Autowired
	private JdbcTemplate jdbc;

	@Autowired
	private TunedPools pools;

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		SliceDatabase.register(registry, "slice-data-jdbc");
	}

	@Test
	void theSlicesPoolIsTunedFromDbPoolProperties() {
		assertThat(this.jdbc.queryForObject("SHOW statement_timeout", String.class))
			.isEqualTo(SliceDatabase.STATEMENT_TIMEOUT);
		assertThat(this.jdbc.queryForObject("SHOW application_name", String.class)).isEqualTo("slice-data-jdbc");
		assertThat(SliceDatabase.pool(this.pools).getMaximumPoolSize()).isEqualTo(5);
	}

}
