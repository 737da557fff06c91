package dev.poolwise.web;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;

import jakarta.persistence.PersistenceException;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.CannotCreateTransactionException;

import dev.poolwise.web.PoolTimeout.Layer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Finding Hikari's pool timeout behind what the application saw.
 */
class PoolTimeoutTests {

	private static final SQLTransientConnectionException HIKARI_TIMEOUT = new SQLTransientConnectionException(
			"orders - Connection is not available, request timed out after 5003ms (total=10, active=10, idle=0, "
					+ "waiting=3)");

	@Test
	void hikarisOwnExceptionIsATimeoutThroughJdbc() {
		assertThat(PoolTimeout.of(HIKARI_TIMEOUT))
			.isEqualTo(new PoolTimeout("orders", Duration.ofMillis(5003), Layer.JDBC));
	}

	@Test
	void aBorrowTurnedAwayByTheWaitingLineIsATimeoutWithItsReasonAndNoWait() {
		PoolTimeout timeout = PoolTimeout.of(new CannotGetJdbcConnectionException("Failed to obtain JDBC Connection",
				new SQLTransientConnectionException("orders - Connection is not available, turned away at once: 20 "
						+ "borrows were waiting, the most db.pool.queue.max-waiting=20 allows (total=5, active=5, idle=0, "
						+ "waiting=20). Raise db.pool.queue.max-waiting to let more wait")));
		assertThat(timeout).isEqualTo(new PoolTimeout("orders", Duration.ZERO, Layer.SPRING, null,
				"20 borrows were waiting, the most db.pool.queue.max-waiting=20 allows"));
		assertThat(PoolTimeoutExceptionResolver.retryAfterSeconds(timeout)).isOne();
	}

	@Test
	void springsTranslationsAreATimeoutThroughSpring() {
		assertThat(PoolTimeout.of(new CannotGetJdbcConnectionException("Failed to obtain JDBC Connection",
				HIKARI_TIMEOUT)))
			.isEqualTo(new PoolTimeout("orders", Duration.ofMillis(5003), Layer.SPRING));
		assertThat(PoolTimeout.of(new CannotCreateTransactionException("Could not open JDBC Connection",
				HIKARI_TIMEOUT)))
			.extracting(PoolTimeout::surfacedThrough)
			.isEqualTo(Layer.SPRING);
	}

	@Test
	void jpaWrappedBySpringIsATimeoutThroughJpa() {
		PersistenceException jpa = new PersistenceException("Unable to acquire JDBC Connection", HIKARI_TIMEOUT);
		assertThat(PoolTimeout.of(new CannotCreateTransactionException("Could not open JPA EntityManager", jpa)))
			.extracting(PoolTimeout::surfacedThrough)
			.isEqualTo(Layer.JPA);
	}

	@Test
	void poolNameWithSpacesAndDashesIsKept() {
		assertThat(PoolTimeout.of(new SQLTransientConnectionException(
				"reporting - read only - Connection is not available, request timed out after 250ms")))
			.extracting(PoolTimeout::pool)
			.isEqualTo("reporting - read only");
	}

	@Test
	void otherTransientConnectionErrorsAreNotPoolTimeouts() {
		assertThat(PoolTimeout.of(new SQLTransientConnectionException("Connection to localhost:5432 refused")))
			.isNull();
		assertThat(PoolTimeout.of(new CannotGetJdbcConnectionException("Failed to obtain JDBC Connection",
				new SQLException("FATAL: too many connections for role \"app\"", "53300"))))
			.isNull();
		assertThat(PoolTimeout.of(new IllegalStateException("orders - Connection is not available, "
				+ "request timed out after 5003ms")))
			.isNull();
	}

	@Test
	void causeChainWithACycleEnds() {
		SQLException first = new SQLException("first");
		SQLException second = new SQLException("second", first);
		first.initCause(second);
		assertThat(PoolTimeout.of(first)).isNull();
	}

	@Test
	void retryAfterIsTheWaitRoundedToWholeSecondsAndAtLeastOne() {
		assertThat(PoolTimeoutExceptionResolver.retryAfterSeconds(timeoutAfter(250))).isOne();
		assertThat(PoolTimeoutExceptionResolver.retryAfterSeconds(timeoutAfter(1001))).isOne();
		assertThat(PoolTimeoutExceptionResolver.retryAfterSeconds(timeoutAfter(5003))).isEqualTo(5);
		assertThat(PoolTimeoutExceptionResolver.retryAfterSeconds(timeoutAfter(30_012))).isEqualTo(30);
		assertThat(PoolTimeoutExceptionResolver.retryAfterSeconds(timeoutAfter(0))).isOne();
	}

	private static PoolTimeout timeoutAfter(long millis) {
		return new PoolTimeout("orders", Duration.ofMillis(millis), Layer.JDBC);
	}

}
