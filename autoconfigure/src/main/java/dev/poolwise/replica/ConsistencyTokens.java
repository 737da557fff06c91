package dev.poolwise.replica;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.jspecify.annotations.Nullable;

/**
 * Read-your-writes across requests: a response to a request that wrote carries a token of the primary's WAL
 * position after that write, and a later request that brings it back, on any thread or instance that shares
 * the secret, reads only where that position is replayed. The token is {@code <position>.<expiry>.<mac>},
 * signed with HMAC-SHA256, so a client can neither forge a position that keeps its reads on the primary nor
 * make one last: it expires once every replica in rotation has replayed it anyway, after {@code max-lag} plus
 * two check intervals (the lag is known to within one, and the rotation follows it one check later) and a
 * second for the clocks of the instances. A token that does not verify or has expired is ignored, and the
 * request reads as one without a token.
 */
public final class ConsistencyTokens {

	private static final String ALGORITHM = "HmacSHA256";

	/** Allowed difference between the clocks of the instances that issue and honour a token. */
	private static final Duration CLOCK_SKEW = Duration.ofSeconds(1);

	private final ReadYourWrites writes;

	private final SecretKeySpec key;

	private final Duration maxAge;

	private final Clock clock;

	ConsistencyTokens(ReadYourWrites writes, byte[] secret, Duration maxAge, Clock clock) {
		this.writes = writes;
		this.key = new SecretKeySpec(secret, ALGORITHM);
		this.maxAge = maxAge;
		this.clock = clock;
	}

	/**
	 * Tokens for the writes of a replica set.
	 * @param set the replica set
	 * @param secret the key shared by every instance of the application
	 * @return the tokens, or null when the set does not keep read-your-writes
	 */
	public static @Nullable ConsistencyTokens of(ReplicaSet set, byte[] secret) {
		ReadYourWrites writes = set.writes();
		Duration maxAge = set.maxLag().plus(set.checkInterval().multipliedBy(2)).plus(CLOCK_SKEW);
		return (writes != null) ? new ConsistencyTokens(writes, secret, maxAge, Clock.systemUTC()) : null;
	}

	/**
	 * How long a token is honoured.
	 * @return max-lag, two check intervals and the allowed clock skew
	 */
	public Duration maxAge() {
		return this.maxAge;
	}

	/**
	 * Begins a request on this thread: a valid token raises the floor of its read-only transactions.
	 * @param tokens the tokens the client brought (a header and a cookie), any of them null; the furthest
	 * valid one counts
	 * @return the moment the request began, for {@link #issue(long)}
	 */
	public long begin(@Nullable String... tokens) {
		long position = Lsn.UNKNOWN;
		for (String token : tokens) {
			if (token != null) {
				position = Math.max(position, verify(token));
			}
		}
		if (position != Lsn.UNKNOWN) {
			this.writes.requireAtLeast(position);
		}
		return System.nanoTime();
	}

	/**
	 * A token for the writes this thread committed since the request began.
	 * @param began what {@link #begin(String)} returned
	 * @return the token, or null when the request wrote nothing (or the position could not be read)
	 */
	public @Nullable String issue(long began) {
		long position = this.writes.writtenSince(began);
		if (position < 0 || position == ReadYourWrites.UNRESOLVED) {
			return null;
		}
		String payload = Long.toHexString(position) + "." + this.clock.instant().plus(this.maxAge).toEpochMilli();
		return payload + "." + mac(payload);
	}

	/**
	 * Ends the request on this thread.
	 */
	public void end() {
		this.writes.clearFloor();
	}

	/**
	 * The position a token carries.
	 * @param token the token
	 * @return the position, or {@link Lsn#UNKNOWN} when it does not verify or has expired
	 */
	long verify(String token) {
		int mac = token.lastIndexOf('.');
		int expiry = (mac > 0) ? token.lastIndexOf('.', mac - 1) : -1;
		if (expiry <= 0) {
			return Lsn.UNKNOWN;
		}
		String payload = token.substring(0, mac);
		if (!MessageDigest.isEqual(mac(payload).getBytes(StandardCharsets.US_ASCII),
				token.substring(mac + 1).getBytes(StandardCharsets.US_ASCII))) {
			return Lsn.UNKNOWN;
		}
		try {
			long expires = Long.parseLong(token.substring(expiry + 1, mac));
			long position = Long.parseUnsignedLong(token.substring(0, expiry), 16);
			return (this.clock.millis() < expires && position >= 0) ? position : Lsn.UNKNOWN;
		}
		catch (NumberFormatException ex) {
			return Lsn.UNKNOWN;
		}
	}

	private String mac(String payload) {
		try {
			Mac mac = Mac.getInstance(ALGORITHM);
			mac.init(this.key);
			return Base64.getUrlEncoder()
				.withoutPadding()
				.encodeToString(mac.doFinal(payload.getBytes(StandardCharsets.US_ASCII)));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("HmacSHA256 is not available", ex);
		}
	}

}
