package dev.poolwise.slices;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.jdbc.test.autoconfigure.AutoConfigureTestDatabase;
import org.springframework.boot.jdbc.test.autoconfigure.JdbcTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.poolwise.tuned.TunedPools;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code @JdbcTest} on the real PostgreSQL gets the pool the application gets: Poolwise registers its
 * auto-configuration for the JDBC slice.
 */
@JdbcTest
@DirtiesContext
@AutoConfigureTestDatabase(replace = AutoConfigureTestDatabase.Replace.NONE)
class JdbcTestSliceTests {

	@Autowired
	private JdbcClient jdbc;

	@Autowired
	private TunedPools pools;

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		SliceDatabase.register(registry, "slice-jdbc");
	}

	@Test
	void theSlicesPoolIsTunedFromDbPoolProperties() {
		assertThat(this.jdbc.sql("SHOW statement_timeout").query(String.class).single())
			.isEqualTo(SliceDatabase.STATEMENT_TIMEOUT);
		assertThat(this.jdbc.sql("SHOW application_name").query(String.class).single()).isEqualTo("slice-jdbc");
		assertThat(SliceDatabase.pool(this.pools).getMaximumPoolSize()).isEqualTo(5);
	}

}
