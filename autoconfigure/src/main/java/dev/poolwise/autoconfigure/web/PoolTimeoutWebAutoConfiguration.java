package dev.poolwise.autoconfigure.web;

import java.util.List;

import com.zaxxer.hikari.HikariDataSource;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.context.annotation.Bean;
import org.springframework.web.servlet.DispatcherServlet;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter;

import dev.poolwise.web.PoolTimeoutExceptionResolver;

/**
 * Auto-configuration that answers a pool timeout in a Spring MVC application with a 503 instead of a 500.
 * Switched off with {@code db.pool.web.pool-timeout-status.enabled=false}.
 */
@AutoConfiguration(afterName = "org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration")
@ConditionalOnWebApplication(type = Type.SERVLET)
@ConditionalOnClass({ DispatcherServlet.class, HikariDataSource.class })
@ConditionalOnBooleanProperty(name = "db.pool.enabled", matchIfMissing = true)
@ConditionalOnBooleanProperty(name = "db.pool.web.pool-timeout-status.enabled", matchIfMissing = true)
public final class PoolTimeoutWebAutoConfiguration {

	/**
	 * The problem detail is written with the converters Spring MVC writes a controller's
	 * {@code ProblemDetail} with, so it looks like every other problem detail of the application.
	 */
	@Bean
	@ConditionalOnMissingBean
	PoolTimeoutExceptionResolver poolTimeoutExceptionResolver(
			ObjectProvider<RequestMappingHandlerAdapter> handlerAdapter) {
		return new PoolTimeoutExceptionResolver(() -> {
			RequestMappingHandlerAdapter adapter = handlerAdapter.getIfAvailable();
			return (adapter != null) ? adapter.getMessageConverters() : List.of();
		});
	}

}
