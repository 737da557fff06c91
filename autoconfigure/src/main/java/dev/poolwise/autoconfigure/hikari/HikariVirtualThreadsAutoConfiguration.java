package dev.poolwise.autoconfigure.hikari;

import com.zaxxer.hikari.HikariDataSource;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnThreading;
import org.springframework.boot.thread.Threading;
import org.springframework.context.annotation.Bean;

import dev.poolwise.hikari.HikariVersion;
import dev.poolwise.hikari.VirtualThreadsCheck;

/**
 * Auto-configuration that checks, when the application runs on virtual threads, that its HikariCP has the
 * fix for virtual-thread load. {@link ConditionalOnThreading} matches only with
 * {@code spring.threads.virtual.enabled=true} on Java 21 or later, where Spring Boot actually uses them.
 */
@AutoConfiguration
@ConditionalOnClass(HikariDataSource.class)
@ConditionalOnThreading(Threading.VIRTUAL)
@ConditionalOnBooleanProperty(name = "db.pool.enabled", matchIfMissing = true)
public final class HikariVirtualThreadsAutoConfiguration {

	/**
	 * Runs once the singletons exist, so the warning sits with the rest of the startup log rather than
	 * before it.
	 */
	@Bean
	SmartInitializingSingleton poolwiseHikariVirtualThreadsCheck() {
		VirtualThreadsCheck check = new VirtualThreadsCheck(HikariVersion::installed);
		return check::run;
	}

}
