package dev.poolwise.slices;

import jakarta.persistence.EntityManager;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.data.jpa.test.autoconfigure.DataJpaTest;
import org.springframework.boot.jdbc.test.autoconfigure.AutoConfigureTestDatabase;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.poolwise.tuned.TunedPools;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code @DataJpaTest} on the real PostgreSQL gets the pool the application gets: Hibernate's connections come
 * from the pool Poolwise tuned.
 */
@DataJpaTest
@DirtiesContext
@AutoConfigureTestDatabase(replace = AutoConfigureTestDatabase.Replace.NONE)
class DataJpaTestSliceTests {

	@Autowired
	private EntityManager entityManager;

	@Autowired
	private TunedPools pools;

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		SliceDatabase.register(registry, "slice-data-jpa");
	}

	@Test
	void hibernateRunsOnThePoolTunedFromDbPoolProperties() {
		assertThat(this.entityManager.createNativeQuery("SHOW statement_timeout").getSingleResult())
			.isEqualTo(SliceDatabase.STATEMENT_TIMEOUT);
		assertThat(this.entityManager.createNativeQuery("SHOW application_name").getSingleResult())
			.isEqualTo("slice-data-jpa");
		assertThat(SliceDatabase.pool(this.pools).getMaximumPoolSize()).isEqualTo(5);
	}

}
