/**
 * Batched writes, Spring Boot's defaults against Poolwise's, on a server that flushes every commit.
 */
@NullMarked
package dev.poolwise.benchmarks.studies.batched;

import org.jspecify.annotations.NullMarked;
