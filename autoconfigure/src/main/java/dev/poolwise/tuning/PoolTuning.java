package dev.poolwise.tuning;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.poolwise.login.AuthFailures;
import dev.poolwise.session.SessionSettings;

/**
 * The effective configuration of one pool, resolved and validated, ready to apply to Hikari.
 *
 * @param size permanent connections
 * @param overflow burst connections above size
 * @param timeout wait for a connection
 * @param recycle maximum connection age, zero for none
 * @param idleTimeout idle time before an overflow connection closes, zero for never
 * @param keepalive idle ping interval, zero when pre-ping is off
 * @param leakDetectionThreshold hold time before a leak is reported, zero for off
 * @param session session settings
 * @param driverProperties pgjdbc properties to set, with their sources
 * @param overrides sentences naming each {@code spring.datasource.hikari} key that db.pool overrode
 * @param auth explains a login that the pool's login switches refused, naming the key that set them
 */
public record PoolTuning(Tuned<Integer> size, Tuned<Integer> overflow, Tuned<Duration> timeout, Tuned<Duration> recycle,
		Tuned<Duration> idleTimeout, Tuned<Duration> keepalive, Tuned<Duration> leakDetectionThreshold,
		SessionSettings session, Map<String, Tuned<String>> driverProperties, List<String> overrides,
		AuthFailures auth) {

	/** pgjdbc's switch for server-side prepared statements; 0 turns them off. */
	public static final String PREPARE_THRESHOLD = "prepareThreshold";

	/**
	 * Hikari's maximumPoolSize.
	 * @return size + overflow
	 */
	public int maxPoolSize() {
		return this.size.value() + this.overflow.value();
	}

	/**
	 * Whether server-side prepared statements are off only until a probe of the PgBouncer in front says
	 * whether it routes them: PgBouncer mode, and neither the user's key nor their driver properties decided.
	 * @return whether to probe
	 */
	public boolean preparedStatementsProbed() {
		Tuned<String> threshold = this.driverProperties.get(PREPARE_THRESHOLD);
		return threshold != null && threshold.source().equals(Tuned.DEFAULT);
	}

	/**
	 * This tuning without one driver property.
	 * @param name the pgjdbc property's name
	 * @return a copy
	 */
	public PoolTuning withoutDriverProperty(String name) {
		Map<String, Tuned<String>> driver = new LinkedHashMap<>(this.driverProperties);
		driver.remove(name);
		return new PoolTuning(this.size, this.overflow, this.timeout, this.recycle, this.idleTimeout, this.keepalive,
				this.leakDetectionThreshold, this.session, driver, this.overrides, this.auth);
	}

}
