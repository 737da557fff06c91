/**
 * Read replicas: Poolwise's routing against the hand-written {@code LazyConnectionDataSourceProxy} setup, on a
 * primary and a streaming standby of Debian's PostgreSQL 15.
 */
@NullMarked
package dev.poolwise.benchmarks.studies.replicas;

import org.jspecify.annotations.NullMarked;
