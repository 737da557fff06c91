package dev.poolwise.benchmarks.studies.batched.jpa;

import org.springframework.data.jpa.repository.JpaRepository;

/**
 * Spring Data JPA's repository of {@link BatchedEntity}, whose {@code saveAll} the benchmark times. Both
 * live outside the load harness's package, so the web applications that scan it do not pick them up.
 */
public interface BatchedEntityRepository extends JpaRepository<BatchedEntity, Long> {

}
