package dev.poolwise.endpoint;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.zaxxer.hikari.HikariDataSource;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.jspecify.annotations.Nullable;

import dev.poolwise.autosize.AutosizeControls;
import dev.poolwise.budget.BudgetRule;
import dev.poolwise.budget.Fleet;
import dev.poolwise.endpoint.ResizeDescriptor.Outcome;
import dev.poolwise.net.SideConnections;
import dev.poolwise.pool.PoolResize;
import dev.poolwise.pool.PoolSettings;
import dev.poolwise.pool.Redaction;
import dev.poolwise.tuned.TunedPool;
import dev.poolwise.validation.SizeRules;
import dev.poolwise.validation.Violation;
import dev.poolwise.validation.Violations;

/**
 * Changes a running pool's size and overflow through Hikari's configuration MXBean, which applies them to
 * the live pool: it opens connections up to the new size at once and retires surplus ones as they are
 * returned and idle. The numbers pass the same rules as at startup, the connection budget measured then
 * included: exceeding it is refused when {@code db.pool.budget.enforce} is on and a warning otherwise.
 * Without a budget (PgBouncer mode, or lazy start without the server) the answer says it was not checked.
 * An autosized pool's controller takes the new numbers as its floor and ceiling and pauses, before the resize
 * is applied and under its lock, so that a decision it is making cannot overwrite the resize.
 */
final class PoolResizer {

	private static final Log logger = LogFactory.getLog(PoolResizer.class);

	private static final Duration FLEET_TIMEOUT = Duration.ofSeconds(2);

	private PoolResizer() {
	}

	static ResizeDescriptor resize(TunedPool pool, @Nullable Integer size, @Nullable Integer overflow,
			@Nullable AutosizeControls autosize) {
		PoolSettings settings = pool.settings();
		if (!settings.resizeEnabled()) {
			return ResizeDescriptor.rejected(pool.beanName(), Outcome.REFUSED,
					"Resizing pools at runtime is disabled: set db.pool.endpoint.resize-enabled=true to allow it, "
							+ "and allow only operators to write to /actuator/dbpool.",
					null);
		}
		HikariDataSource dataSource = pool.dataSource();
		int oldSize = dataSource.getMinimumIdle();
		int oldMax = dataSource.getMaximumPoolSize();
		int newSize = (size != null) ? size : oldSize;
		int newOverflow = (overflow != null) ? overflow : oldMax - oldSize;
		Violations violations = new Violations();
		SizeRules.check("size", newSize, "overflow", newOverflow, settings.sizing().limit(), violations);
		BudgetRule.Verdict budget = violations.isEmpty() ? pool.judgeBudget(countedInstances(pool),
				new BudgetRule.Sizes("size", "overflow", newSize, newSize + newOverflow)) : null;
		Violation refusal = (budget != null) ? budget.refusal() : null;
		if (refusal != null) {
			violations.add(refusal);
		}
		if (!violations.isEmpty()) {
			List<Violation> found = violations.list();
			return ResizeDescriptor.rejected(pool.beanName(), Outcome.INVALID,
					found.stream().map(Violation::describe).collect(Collectors.joining(" ")), found);
		}
		int newMax = newSize + newOverflow;
		Runnable apply = () -> PoolResize.apply(dataSource, newSize, newMax);
		String autosized = (autosize != null) ? autosize.resizeManually(pool.beanName(), newMax, apply) : null;
		if (autosized == null) {
			apply.run();
		}
		String message = "Pool '" + pool.beanName() + "' resized at runtime from size=" + oldSize + ", overflow="
				+ (oldMax - oldSize) + " to size=" + newSize + ", overflow=" + newOverflow + " (max " + newMax + ")";
		logger.info("Poolwise: " + message + ((autosized != null) ? ". " + autosized : ""));
		return new ResizeDescriptor(pool.beanName(), Outcome.APPLIED, message + ".", counts(oldSize, oldMax),
				counts(newSize, newMax), null, budgetWarnings(pool, budget), autosized);
	}

	/**
	 * The application's instances on the server now, as startup and health count them, so a resize is judged
	 * for the fleet as it is. Unknown (0, the configured number then counts alone) without a budget or when
	 * the server cannot be read.
	 */
	private static int countedInstances(TunedPool pool) {
		if (pool.budget() == null) {
			return 0;
		}
		HikariDataSource dataSource = pool.dataSource();
		try (Connection connection = SideConnections.open(dataSource, SideConnections.ENDPOINT, FLEET_TIMEOUT)) {
			return Fleet.read(connection, SideConnections.applicationName(dataSource)).counted();
		}
		catch (SQLException ex) {
			logger.debug("Poolwise could not count the instances for a resize of '" + pool.beanName() + "': "
					+ Redaction.message(ex.getMessage(), dataSource));
			return 0;
		}
	}

	private static Map<String, Integer> counts(int size, int max) {
		Map<String, Integer> counts = new LinkedHashMap<>();
		counts.put("size", size);
		counts.put("overflow", max - size);
		counts.put("max", max);
		return counts;
	}

	private static List<String> budgetWarnings(TunedPool pool, BudgetRule.@Nullable Verdict budget) {
		List<String> warnings = new ArrayList<>();
		Violation overBudget = (budget != null) ? budget.exceeded() : null;
		if (pool.budget() == null) {
			warnings.add("Connection budget not checked: " + (pool.settings().pgbouncer().enabled()
					? "behind PgBouncer, max_connections bounds PgBouncer's server connections, not this pool."
					: "the server could not be reached at startup (db.pool.lazy-start=true), so none was measured."));
		}
		else if (budget != null && overBudget != null) {
			warnings.add(overBudget.rule() + " at startup; the server may refuse new connections. " + overBudget.fix()
					+ " (" + budget.enforceKey() + "=true refuses such a resize instead)");
		}
		return warnings;
	}

}
