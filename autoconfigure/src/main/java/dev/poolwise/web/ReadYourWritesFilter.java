package dev.poolwise.web;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.function.Supplier;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseCookie;
import org.springframework.web.filter.OncePerRequestFilter;

import dev.poolwise.replica.ConsistencyTokens;

/**
 * Carries read-your-writes from one request to the next: a request that brings a token (a cookie for
 * browsers, a header for other clients) reads only where the write it names is replayed, and a response to a
 * request that wrote carries a new token, in both forms. The token is set just before the response is
 * committed (when the body starts, or on a redirect or error), so it covers every write the handler made
 * before it answered; a write made after the body started streaming, or on another thread of an asynchronous
 * request, is not covered. A token brought to an asynchronous request also holds on its async dispatch.
 */
public final class ReadYourWritesFilter extends OncePerRequestFilter {

	private final Supplier<ConsistencyTokens> tokens;

	private final String cookieName;

	private final String headerName;

	/**
	 * @param tokens the tokens of the routing's replica set, asked for at the first request (the servlet
	 * container takes its filters before the DataSource and its replicas exist)
	 * @param cookieName the cookie that carries the token
	 * @param headerName the header that carries it
	 */
	public ReadYourWritesFilter(Supplier<ConsistencyTokens> tokens, String cookieName, String headerName) {
		this.tokens = tokens;
		this.cookieName = cookieName;
		this.headerName = headerName;
	}

	/**
	 * Resolves the tokens now, so a context that cannot make them fails at startup rather than at the first
	 * request.
	 */
	public void resolveTokens() {
		this.tokens.get();
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		ConsistencyTokens tokens = this.tokens.get();
		TokenResponse wrapped = new TokenResponse(response, tokens,
				tokens.begin(request.getHeader(this.headerName), cookie(request)));
		try {
			chain.doFilter(request, wrapped);
		}
		finally {
			if (request.isAsyncStarted()) {
				wrapped.done = true;
			}
			else {
				wrapped.beforeCommit();
			}
			tokens.end();
		}
	}

	@Override
	protected boolean shouldNotFilterAsyncDispatch() {
		return false;
	}

	private @Nullable String cookie(HttpServletRequest request) {
		Cookie[] cookies = request.getCookies();
		if (cookies != null) {
			for (Cookie cookie : cookies) {
				if (cookie.getName().equals(this.cookieName)) {
					return cookie.getValue();
				}
			}
		}
		return null;
	}

	/**
	 * Adds the token once, before anything commits the response.
	 */
	private final class TokenResponse extends HttpServletResponseWrapper {

		private final ConsistencyTokens tokens;

		private final long began;

		private volatile boolean done;

		TokenResponse(HttpServletResponse response, ConsistencyTokens tokens, long began) {
			super(response);
			this.tokens = tokens;
			this.began = began;
		}

		void beforeCommit() {
			if (this.done || isCommitted()) {
				return;
			}
			this.done = true;
			String token = this.tokens.issue(this.began);
			if (token != null) {
				HttpServletResponse response = (HttpServletResponse) getResponse();
				response.setHeader(ReadYourWritesFilter.this.headerName, token);
				response.addHeader(HttpHeaders.SET_COOKIE,
						ResponseCookie.from(ReadYourWritesFilter.this.cookieName, token)
							.path("/")
							.maxAge(this.tokens.maxAge().toSeconds() + 1)
							.httpOnly(true)
							.sameSite("Lax")
							.build()
							.toString());
			}
		}

		@Override
		public ServletOutputStream getOutputStream() throws IOException {
			beforeCommit();
			return super.getOutputStream();
		}

		@Override
		public PrintWriter getWriter() throws IOException {
			beforeCommit();
			return super.getWriter();
		}

		@Override
		public void flushBuffer() throws IOException {
			beforeCommit();
			super.flushBuffer();
		}

		@Override
		public void sendRedirect(String location) throws IOException {
			beforeCommit();
			super.sendRedirect(location);
		}

		@Override
		public void sendRedirect(String location, int status) throws IOException {
			beforeCommit();
			super.sendRedirect(location, status);
		}

		@Override
		public void sendRedirect(String location, boolean clearBuffer) throws IOException {
			beforeCommit();
			super.sendRedirect(location, clearBuffer);
		}

		@Override
		public void sendRedirect(String location, int status, boolean clearBuffer) throws IOException {
			beforeCommit();
			super.sendRedirect(location, status, clearBuffer);
		}

		@Override
		public void sendError(int status) throws IOException {
			beforeCommit();
			super.sendError(status);
		}

		@Override
		public void sendError(int status, String message) throws IOException {
			beforeCommit();
			super.sendError(status, message);
		}

	}

}
