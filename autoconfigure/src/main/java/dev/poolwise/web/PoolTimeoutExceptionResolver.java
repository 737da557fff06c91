package dev.poolwise.web;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.server.ServletServerHttpResponse;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.ModelAndView;

/**
 * Answers a request that failed for want of a pool connection with {@code 503 Service Unavailable}, a
 * {@code Retry-After} header and an RFC 9457 problem detail, instead of the 500 that an unhandled exception
 * gets: the service is overloaded, not broken, and a client or load balancer may try again.
 * <p>
 * It runs last ({@link Ordered#LOWEST_PRECEDENCE}): Spring MVC's own resolvers, ordered before it, give the
 * application's {@code @ExceptionHandler} methods and {@code @ControllerAdvice} the first say, so an
 * application that handles these exceptions itself keeps its answer. Any other exception is left alone.
 */
public class PoolTimeoutExceptionResolver implements HandlerExceptionResolver, Ordered {

	private static final Log logger = LogFactory.getLog(PoolTimeoutExceptionResolver.class);

	private final Supplier<List<HttpMessageConverter<?>>> messageConverters;

	/**
	 * Creates a resolver that writes its problem details with Spring MVC's message converters.
	 * @param messageConverters the converters, asked for on the first timeout so that the resolver can be
	 * created before Spring MVC's handler adapter
	 */
	public PoolTimeoutExceptionResolver(Supplier<List<HttpMessageConverter<?>>> messageConverters) {
		this.messageConverters = messageConverters;
	}

	@Override
	public @Nullable ModelAndView resolveException(HttpServletRequest request, HttpServletResponse response,
			@Nullable Object handler, Exception exception) {
		PoolTimeout timeout = PoolTimeout.of(exception);
		if (timeout == null || response.isCommitted()) {
			return null;
		}
		HttpMessageConverter<Object> converter = problemConverter();
		if (converter == null) {
			return null;
		}
		String error = timeout.describeLastConnectionError();
		String turnedAway = timeout.turnedAway();
		logger.warn("Answered " + request.getMethod() + " " + request.getRequestURI() + " with 503: no connection from pool '"
				+ timeout.pool() + "' " + ((turnedAway != null) ? "(turned away at once: " + turnedAway + ", "
						: "within " + timeout.waited().toMillis() + "ms (")
				+ ((error != null) ? "the pool cannot connect to the database; its last connection error: " + error
						: exception.getClass().getName())
				+ ")" + held(exception));
		try (ServletServerHttpResponse output = new ServletServerHttpResponse(response)) {
			output.setStatusCode(HttpStatus.SERVICE_UNAVAILABLE);
			output.getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds(timeout)));
			converter.write(problem(timeout, request), MediaType.APPLICATION_PROBLEM_JSON, output);
		}
		catch (IOException ex) {
			logger.debug("Could not write the pool timeout problem detail: " + ex.getMessage());
		}
		return new ModelAndView();
	}

	/**
	 * Who held the pool, for the log line: the same sentence as the pool's WARN, which the client's problem
	 * detail leaves out, as it names the application's code and threads.
	 */
	private static String held(Exception exception) {
		String held = PoolTimeout.whoHeld(exception);
		return (held != null) ? ". " + held : "";
	}

	/**
	 * A client that waits about as long as the request waited in vain gives the pool a full timeout's worth
	 * of returned connections. Hikari reports a little more than its timeout (1001ms for 1s), so the wait is
	 * rounded to the nearest whole second the header takes, and is at least one.
	 */
	static long retryAfterSeconds(PoolTimeout timeout) {
		return Math.max(1, Math.round(timeout.waited().toMillis() / 1000.0));
	}

	private static ProblemDetail problem(PoolTimeout timeout, HttpServletRequest request) {
		String error = timeout.summarizeLastConnectionError();
		String reason = (error != null) ? ": the pool cannot connect to the database (last connection error: "
				+ error + ")" : "";
		String turnedAway = timeout.turnedAway();
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
				"No database connection from pool '" + timeout.pool() + "' "
						+ ((turnedAway != null) ? "(turned away at once: " + turnedAway + ")"
								: "within " + timeout.waited().toMillis() + "ms")
						+ reason + "; try again later.");
		problem.setInstance(URI.create(request.getRequestURI()));
		problem.setProperty("pool", timeout.pool());
		problem.setProperty("waitedMillis", timeout.waited().toMillis());
		problem.setProperty("surfacedThrough", timeout.surfacedThrough().name().toLowerCase(Locale.ROOT));
		if (error != null) {
			problem.setProperty("lastConnectionError", error);
		}
		if (turnedAway != null) {
			problem.setProperty("turnedAway", turnedAway);
		}
		return problem;
	}

	@SuppressWarnings("unchecked")
	private @Nullable HttpMessageConverter<Object> problemConverter() {
		for (HttpMessageConverter<?> converter : this.messageConverters.get()) {
			if (converter.canWrite(ProblemDetail.class, MediaType.APPLICATION_PROBLEM_JSON)) {
				return (HttpMessageConverter<Object>) converter;
			}
		}
		return null;
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

}
