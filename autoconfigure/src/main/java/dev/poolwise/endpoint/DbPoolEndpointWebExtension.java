package dev.poolwise.endpoint;

import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;

import dev.poolwise.endpoint.DbPoolEndpoint.PoolsDescriptor;

/**
 * {@link EndpointWebExtension @EndpointWebExtension} for the {@link DbPoolEndpoint}: over HTTP, values are
 * shown only to the users {@code show-values} and {@code roles} allow; a resize, mapped only when the
 * endpoint's access is {@code unrestricted}, is taken only from a user in one of the {@code roles} when any
 * are set, and answers with a status that says what happened.
 */
@EndpointWebExtension(endpoint = DbPoolEndpoint.class)
public class DbPoolEndpointWebExtension {

	private static final int STATUS_FORBIDDEN = 403;

	private final DbPoolEndpoint delegate;

	private final Show showValues;

	private final Set<String> roles;

	public DbPoolEndpointWebExtension(DbPoolEndpoint delegate, Show showValues, Set<String> roles) {
		this.delegate = delegate;
		this.showValues = showValues;
		this.roles = roles;
	}

	@ReadOperation
	public PoolsDescriptor pools(SecurityContext securityContext) {
		return this.delegate.pools(this.showValues.isShown(securityContext, this.roles));
	}

	@WriteOperation
	public WebEndpointResponse<ResizeDescriptor> resize(SecurityContext securityContext, @Selector String name,
			@Nullable Integer size, @Nullable Integer overflow) {
		ResizeDescriptor result = isAllowedToResize(securityContext) ? this.delegate.resize(name, size, overflow)
				: ResizeDescriptor.rejected(name, ResizeDescriptor.Outcome.REFUSED,
						"Resizing pools needs a user in one of the roles of management.endpoint.dbpool.roles; "
								+ "the request's user is in none of them.",
						null);
		int status = switch (result.outcome()) {
			case APPLIED -> WebEndpointResponse.STATUS_OK;
			case REFUSED -> STATUS_FORBIDDEN;
			case INVALID -> WebEndpointResponse.STATUS_BAD_REQUEST;
			case UNKNOWN_POOL -> WebEndpointResponse.STATUS_NOT_FOUND;
		};
		return new WebEndpointResponse<>(result, status);
	}

	private boolean isAllowedToResize(SecurityContext securityContext) {
		return this.roles.isEmpty() || (securityContext.getPrincipal() != null
				&& this.roles.stream().anyMatch(securityContext::isUserInRole));
	}

}
