package dev.poolwise.test;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.TestSource;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Prints every skipped or aborted test with its reason on the console, where surefire shows only a count
 * and keeps the reason in its XML report: a developer without pgbouncer sees which tests did not run and
 * the command that installs it. Before JDK 21 it also says that the build left the virtual-thread test
 * classes out, which surefire does not report at all. Registered through {@code META-INF/services}.
 */
public class SkippedTestsReport implements TestExecutionListener {

	/** The first JDK with virtual threads, below which the build excludes {@code VirtualThread*Tests}. */
	private static final int VIRTUAL_THREADS = 21;

	@Override
	public void testPlanExecutionStarted(TestPlan plan) {
		int jdk = Runtime.version().feature();
		if (jdk < VIRTUAL_THREADS) {
			System.out.println("[EXCLUDED] VirtualThread*Tests: this is JDK " + jdk + ", and the build runs the "
					+ "virtual-thread test classes on JDK " + VIRTUAL_THREADS + " or later only; run the suite with "
					+ "JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 (.ci/run runs both)");
		}
	}

	@Override
	public void executionSkipped(TestIdentifier test, String reason) {
		print(test, reason);
	}

	@Override
	public void executionFinished(TestIdentifier test, TestExecutionResult result) {
		if (result.getStatus() == TestExecutionResult.Status.ABORTED) {
			print(test, result.getThrowable().map(Throwable::getMessage).orElse("aborted"));
		}
	}

	private static void print(TestIdentifier test, String reason) {
		System.out.println("[SKIPPED] " + name(test) + ": " + reason);
	}

	private static String name(TestIdentifier test) {
		TestSource source = test.getSource().orElse(null);
		if (source instanceof MethodSource method) {
			return method.getClassName().substring(method.getClassName().lastIndexOf('.') + 1) + "."
					+ method.getMethodName();
		}
		if (source instanceof ClassSource type) {
			return type.getClassName();
		}
		return test.getDisplayName();
	}

}
