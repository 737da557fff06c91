package dev.poolwise.replica;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tokens that carry read-your-writes from one request to the next, without a server: a request that wrote
 * gets one, a request on another thread that brings it back reads at or past its position, and a token that
 * was forged, altered, signed with another key or expired is ignored.
 */
class ConsistencyTokensTests {

	private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);

	private static final long POSITION = Lsn.parse("0/3000060");

	private Clock clock = Clock.fixed(Instant.parse("2026-12-07T10:00:00Z"), ZoneOffset.UTC);

	private final ReadYourWrites writes = new ReadYourWrites((nanos) -> POSITION);

	@Test
	void aRequestThatWroteGetsATokenThatAnotherThreadReadsAtOrPastItsPosition() {
		ConsistencyTokens tokens = tokens(SECRET);
		long began = tokens.begin();
		this.writes.wrote();
		String token = tokens.issue(began);
		tokens.end();
		assertThat(token).isNotNull();
		long required = CompletableFuture.supplyAsync(() -> {
			tokens.begin(token);
			try {
				return this.writes.required();
			}
			finally {
				tokens.end();
			}
		}).join();
		assertThat(required).isEqualTo(POSITION);
		assertThat(CompletableFuture.supplyAsync(this.writes::required).join()).as("after the request ended")
			.isEqualTo(Lsn.UNKNOWN);
	}

	@Test
	void aRequestThatWroteNothingGetsNoToken() {
		this.writes.wrote();
		ConsistencyTokens tokens = tokens(SECRET);
		assertThat(tokens.issue(tokens.begin())).as("a write of an earlier request on the same thread").isNull();
	}

	@Test
	void aTokenAlteredForgedSignedWithAnotherKeyOrExpiredIsIgnored() {
		ConsistencyTokens tokens = tokens(SECRET);
		long issued = tokens.begin();
		this.writes.wrote();
		String token = tokens.issue(issued);
		assertThat(tokens.verify(token)).isEqualTo(POSITION);
		String[] parts = token.split("\\.");
		assertThat(tokens.verify("ffffffffff." + parts[1] + "." + parts[2])).isEqualTo(Lsn.UNKNOWN);
		assertThat(tokens.verify(parts[0] + "." + (Long.parseLong(parts[1]) + 60_000) + "." + parts[2]))
			.isEqualTo(Lsn.UNKNOWN);
		assertThat(tokens("another key of at least 32 chars!".getBytes(StandardCharsets.UTF_8)).verify(token))
			.isEqualTo(Lsn.UNKNOWN);
		assertThat(tokens.verify("garbage")).isEqualTo(Lsn.UNKNOWN);
		assertThat(CompletableFuture.supplyAsync(() -> {
			tokens.begin("garbage", token);
			try {
				return this.writes.required();
			}
			finally {
				tokens.end();
			}
		}).join()).as("a valid cookie beside an invalid header").isEqualTo(POSITION);
		assertThat(tokens.verify("..")).isEqualTo(Lsn.UNKNOWN);
		this.clock = Clock.offset(this.clock, Duration.ofSeconds(3));
		assertThat(tokens(SECRET).verify(token)).as("past max-lag").isEqualTo(Lsn.UNKNOWN);
	}

	private ConsistencyTokens tokens(byte[] secret) {
		return new ConsistencyTokens(this.writes, secret, Duration.ofSeconds(2), this.clock);
	}

}
