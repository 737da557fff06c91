package dev.poolwise.tuning;

import com.zaxxer.hikari.HikariConfig;

/**
 * What the tuning rule must catch: a class in {@code dev.poolwise.tuning} that reads a Hikari configuration
 * instead of plain values. It lives in that package, as a test class, so that the rule sees it there.
 */
public final class TuningClassReadingHikari {

	public int size(HikariConfig hikari) {
		return hikari.getMinimumIdle();
	}

}
