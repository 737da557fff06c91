/**
 * 1,000 virtual threads on two HikariCP versions, each in a client JVM of its own.
 */
@NullMarked
package dev.poolwise.benchmarks.studies.virtualthreads;

import org.jspecify.annotations.NullMarked;
