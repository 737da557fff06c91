package dev.poolwise.autoconfigure.aot;

import java.sql.Connection;

import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.BindingReflectionHintsRegistrar;
import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.util.ClassUtils;

import dev.poolwise.endpoint.DbPoolEndpoint.PoolsDescriptor;
import dev.poolwise.endpoint.ResizeDescriptor;
import dev.poolwise.hikari.HikariVersion;
import dev.poolwise.net.TcpKeepaliveSocketFactory;

/**
 * What a native image must keep for Poolwise. Its {@code @ConfigurationProperties} and beans are covered by
 * Spring Boot's own AOT processing; what is left is what is reached by name or serialized:
 * <ul>
 * <li>the socket factory, which pgjdbc instantiates from its class name through its String constructor;</li>
 * <li>the {@code /actuator/dbpool} responses, which Jackson serializes (Spring Boot registers an endpoint's
 * return types, but not the body inside {@code WebEndpointResponse}), when Actuator is present;</li>
 * <li>HikariCP's {@code pom.properties}, from which the virtual-thread check reads its version;</li>
 * <li>the JDK proxy of {@link Connection} through which read-replica routing sees each connection, and the
 * session-drift check sees Hikari's validation.</li>
 * </ul>
 */
class PoolwiseRuntimeHints implements RuntimeHintsRegistrar {

	private static final String ACTUATOR_ENDPOINT = "org.springframework.boot.actuate.endpoint.OperationResponseBody";

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		hints.reflection()
			.registerType(TcpKeepaliveSocketFactory.class, MemberCategory.INVOKE_PUBLIC_CONSTRUCTORS);
		hints.resources().registerPattern(HikariVersion.POM_PROPERTIES);
		hints.proxies().registerJdkProxy(Connection.class);
		if (ClassUtils.isPresent(ACTUATOR_ENDPOINT, classLoader)) {
			EndpointHints.register(hints);
		}
	}

	/**
	 * Separate, so that the endpoint's types, which implement Actuator interfaces, are loaded only when
	 * Actuator is there.
	 */
	private static final class EndpointHints {

		static void register(RuntimeHints hints) {
			new BindingReflectionHintsRegistrar().registerReflectionHints(hints.reflection(), PoolsDescriptor.class,
					ResizeDescriptor.class);
		}

	}

}
