package dev.poolwise.test;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Starts virtual threads from code compiled for Java 17, where {@code Thread.startVirtualThread} does not
 * exist yet; callers check {@link #available()} first.
 */
public final class VirtualThreads {

	private VirtualThreads() {
	}

	/**
	 * Whether this JVM has virtual threads.
	 * @return true on JDK 21 and later
	 */
	public static boolean available() {
		return Runtime.version().feature() >= 21;
	}

	/**
	 * Starts a virtual thread.
	 * @param task what it runs
	 * @return the started thread
	 */
	public static Thread start(Runnable task) {
		try {
			return (Thread) Starter.START.invokeExact(task);
		}
		catch (Throwable ex) {
			throw new IllegalStateException("Could not start a virtual thread", ex);
		}
	}

	/**
	 * Looks the method up on first use only, so merely loading this class works on Java 17.
	 */
	private static final class Starter {

		private static final MethodHandle START = find();

		private static MethodHandle find() {
			try {
				MethodType type = MethodType.methodType(Thread.class, Runnable.class);
				return MethodHandles.publicLookup().findStatic(Thread.class, "startVirtualThread", type);
			}
			catch (ReflectiveOperationException ex) {
				throw new IllegalStateException("Virtual threads need JDK 21 or later", ex);
			}
		}

	}

}
