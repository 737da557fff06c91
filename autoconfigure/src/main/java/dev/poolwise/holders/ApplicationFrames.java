package dev.poolwise.holders;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Where in the application a thread is: the first frame of its stack, from the top, that belongs to neither
 * the JDK nor a framework between the application and its database (Spring, Hikari, pgjdbc, Hibernate,
 * Poolwise, servlet containers), nor a generated proxy.
 */
public final class ApplicationFrames {

	private static final List<String> FRAMEWORK_PACKAGES = List.of("java.", "javax.", "jdk.", "sun.", "com.sun.",
			"jakarta.", "org.springframework.", "com.zaxxer.", "org.postgresql.", "org.hibernate.", "dev.poolwise.",
			"org.apache.", "io.micrometer.", "io.opentelemetry.", "org.aspectj.", "net.bytebuddy.", "kotlin.",
			"kotlinx.", "reactor.", "io.netty.", "org.eclipse.jetty.", "io.undertow.", "org.jboss.",
			"com.fasterxml.", "tools.jackson.", "org.junit.", "org.assertj.", "org.awaitility.");

	private ApplicationFrames() {
	}

	/**
	 * The thread's first application frame.
	 * @param stack the thread's stack, top first
	 * @return the frame, or null when every frame is the JDK's or a framework's
	 */
	public static @Nullable StackTraceElement first(StackTraceElement[] stack) {
		for (StackTraceElement frame : stack) {
			if (isApplication(frame.getClassName())) {
				return frame;
			}
		}
		return null;
	}

	/**
	 * A frame as a log line names it: the simple class name and the method, e.g.
	 * {@code OrderService.export}.
	 * @param frame the frame
	 * @return the short name
	 */
	public static String describe(StackTraceElement frame) {
		String className = frame.getClassName();
		String simple = className.substring(className.lastIndexOf('.') + 1);
		return simple + "." + frame.getMethodName();
	}

	private static boolean isApplication(String className) {
		if (className.contains("$$") || className.startsWith("jdk.proxy") || className.contains("$Proxy")) {
			return false;
		}
		for (String framework : FRAMEWORK_PACKAGES) {
			if (className.startsWith(framework)) {
				return false;
			}
		}
		return true;
	}

}
