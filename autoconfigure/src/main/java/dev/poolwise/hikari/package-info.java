/**
 * Facts about the HikariCP on the classpath that Spring Boot's dependency management chose, and what they mean
 * for the application.
 */
@NullMarked
package dev.poolwise.hikari;

import org.jspecify.annotations.NullMarked;
