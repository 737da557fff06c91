/**
 * The entity and repository of the batched writes' Spring Data JPA workload.
 */
@NullMarked
package dev.poolwise.benchmarks.studies.batched.jpa;

import org.jspecify.annotations.NullMarked;
