package dev.poolwise.autoconfigure.aot;

import java.lang.reflect.RecordComponent;
import java.sql.Connection;

import org.junit.jupiter.api.Test;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.core.io.support.SpringFactoriesLoader;

import dev.poolwise.endpoint.DbPoolEndpoint.PoolsDescriptor;
import dev.poolwise.endpoint.DbPoolEndpoint.RegisteredPool;
import dev.poolwise.endpoint.PoolDescriptor;
import dev.poolwise.endpoint.ReplicaDescriptor;
import dev.poolwise.endpoint.ResizeDescriptor;
import dev.poolwise.hikari.HikariVersion;
import dev.poolwise.net.TcpKeepaliveSocketFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The runtime hints Poolwise registers for a native image.
 */
class PoolwiseRuntimeHintsTests {

	private final RuntimeHints hints = new RuntimeHints();

	@Test
	void registrarIsListedInAotFactories() {
		assertThat(SpringFactoriesLoader.forResourceLocation("META-INF/spring/aot.factories")
			.load(RuntimeHintsRegistrar.class)).hasAtLeastOneElementOfType(PoolwiseRuntimeHints.class);
	}

	@Test
	void socketFactoryCanBeCreatedByNameWithItsStringConstructor() throws NoSuchMethodException {
		new PoolwiseRuntimeHints().registerHints(this.hints, getClass().getClassLoader());
		assertThat(RuntimeHintsPredicates.reflection()
			.onConstructorInvocation(TcpKeepaliveSocketFactory.class.getConstructor(String.class))).accepts(this.hints);
	}

	@Test
	void hikariVersionCanBeRead() {
		new PoolwiseRuntimeHints().registerHints(this.hints, getClass().getClassLoader());
		assertThat(RuntimeHintsPredicates.resource().forResource(HikariVersion.POM_PROPERTIES)).accepts(this.hints);
	}

	@Test
	void endpointResponsesCanBeSerialized() {
		new PoolwiseRuntimeHints().registerHints(this.hints, getClass().getClassLoader());
		for (Class<?> type : new Class<?>[] { PoolsDescriptor.class, PoolDescriptor.class, RegisteredPool.class,
				ResizeDescriptor.class, ReplicaDescriptor.class }) {
			assertThat(RuntimeHintsPredicates.reflection().onType(type)).as(type.getName()).accepts(this.hints);
			for (RecordComponent component : type.getRecordComponents()) {
				assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(component.getAccessor()))
					.as(component.toString())
					.accepts(this.hints);
			}
		}
	}

	@Test
	void replicaRoutingCanProxyConnections() {
		new PoolwiseRuntimeHints().registerHints(this.hints, getClass().getClassLoader());
		assertThat(RuntimeHintsPredicates.proxies().forInterfaces(Connection.class)).accepts(this.hints);
	}

	@Test
	void withoutActuatorNoEndpointTypeIsLoaded() {
		new PoolwiseRuntimeHints().registerHints(this.hints, new FilteredClassLoader(OperationResponseBody.class));
		assertThat(RuntimeHintsPredicates.reflection().onType(PoolsDescriptor.class)).rejects(this.hints);
		assertThat(RuntimeHintsPredicates.reflection()
			.onConstructorInvocation(TcpKeepaliveSocketFactory.class.getConstructors()[0])).accepts(this.hints);
	}

}
