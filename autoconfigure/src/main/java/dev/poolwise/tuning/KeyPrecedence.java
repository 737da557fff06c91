package dev.poolwise.tuning;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Which key wins for each number, and the name each key goes by in messages. Precedence: an explicit
 * {@code db.pool} key (the pool's own {@code db.pool.datasources.<bean>} key first), then an explicit
 * {@code spring.datasource.hikari} key, then worker-count sizing, then the default. Where a {@code db.pool}
 * key overrides a Hikari key that is also set, a sentence says so.
 */
final class KeyPrecedence {

	static final String PREFIX = "db.pool.";

	static final String HIKARI = "spring.datasource.hikari.";

	private final PropertyKeys keys;

	private final List<String> overrides = new ArrayList<>();

	KeyPrecedence(PropertyKeys keys) {
		this.keys = keys;
	}

	<T> Tuned<T> pick(String key, T ownValue, String hikariKey, T hikariValue, @Nullable T derivedValue) {
		String own = this.keys.explicit(key);
		boolean hikari = this.keys.isHikariSet(hikariKey);
		if (own != null) {
			if (hikari) {
				override(own + " overrides " + HIKARI + hikariKey);
			}
			return new Tuned<>(ownValue, own);
		}
		if (hikari) {
			return new Tuned<>(hikariValue, HIKARI + hikariKey);
		}
		if (derivedValue != null) {
			return new Tuned<>(derivedValue, Tuned.WORKER_COUNT);
		}
		return new Tuned<>(ownValue, Tuned.DEFAULT);
	}

	/**
	 * A duration; an unset optional {@code db.pool} duration is off (zero) unless Hikari's key sets it.
	 */
	Tuned<Duration> pickDuration(String key, @Nullable Duration ownValue, String hikariKey, long hikariMillis) {
		Duration own = (ownValue != null) ? ownValue : Duration.ZERO;
		return pick(key, own, hikariKey, Duration.ofMillis(hikariMillis), null);
	}

	/**
	 * The property that explicitly sets a key, else the key's {@code db.pool} name.
	 */
	String name(String key) {
		String explicit = this.keys.explicit(key);
		return (explicit != null) ? explicit : PREFIX + key;
	}

	/**
	 * The property behind a picked value: the Hikari key when that won, else the db.pool name.
	 */
	String property(Tuned<?> tuned, String key) {
		return tuned.source().startsWith(HIKARI) ? tuned.source() : name(key);
	}

	/**
	 * The source of a value with no Hikari counterpart.
	 */
	String own(String key) {
		String explicit = this.keys.explicit(key);
		return (explicit != null) ? explicit : Tuned.DEFAULT;
	}

	/**
	 * The property that explicitly sets a key, or null when none does.
	 */
	@Nullable String explicit(String key) {
		return this.keys.explicit(key);
	}

	String suggested(String key) {
		return this.keys.suggested(key);
	}

	void override(String sentence) {
		this.overrides.add(sentence);
	}

	List<String> overrides() {
		return List.copyOf(this.overrides);
	}

}
