package dev.poolwise.replica;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;

import org.jspecify.annotations.Nullable;

/**
 * A pool connection seen by the routing: calls go through to the pool's own connection, and a subclass
 * watches the few that tell it what the connection is used for.
 */
abstract class ConnectionHandler implements InvocationHandler {

	private final Connection target;

	ConnectionHandler(Connection target) {
		this.target = target;
	}

	final Connection target() {
		return this.target;
	}

	final Connection proxy() {
		return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
				new Class<?>[] { Connection.class }, this);
	}

	@Override
	public final @Nullable Object invoke(Object proxy, Method method, @Nullable Object[] args) throws Throwable {
		switch (method.getName()) {
			case "equals":
				return args != null && proxy == args[0];
			case "hashCode":
				return System.identityHashCode(proxy);
			default:
				before(method.getName(), args);
		}
		try {
			return method.invoke(this.target, args);
		}
		catch (InvocationTargetException ex) {
			failed(ex.getTargetException());
			throw ex.getTargetException();
		}
		finally {
			after(method.getName(), args);
		}
	}

	/**
	 * Sees a call before it goes through.
	 * @param method the method's name
	 * @param args its arguments
	 * @throws Exception to refuse the call
	 */
	void before(String method, @Nullable Object[] args) throws Exception {
	}

	/**
	 * Sees the end of a call that went through, or failed.
	 * @param method the method's name
	 * @param args its arguments
	 */
	void after(String method, @Nullable Object[] args) {
	}

	/**
	 * Sees a call that failed.
	 * @param failure what the pool's connection threw
	 */
	void failed(Throwable failure) {
	}

	static boolean createsStatement(String method) {
		return method.equals("createStatement") || method.equals("prepareStatement") || method.equals("prepareCall");
	}

}
