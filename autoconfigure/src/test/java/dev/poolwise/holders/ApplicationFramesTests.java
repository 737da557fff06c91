package dev.poolwise.holders;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Finding where in the application a thread is.
 */
class ApplicationFramesTests {

	@Test
	void firstFrameOutsideTheJdkAndTheFrameworksIsTheApplications() {
		StackTraceElement[] stack = { frame("java.lang.Thread", "sleep"),
				frame("org.postgresql.jdbc.PgStatement", "execute"),
				frame("com.zaxxer.hikari.pool.HikariProxyStatement", "execute"),
				frame("org.springframework.jdbc.core.JdbcTemplate", "query"),
				frame("dev.poolwise.replica.RoutingDataSource", "getConnection"),
				frame("com.example.orders.OrderService$$SpringCGLIB$$0", "export"),
				frame("com.example.orders.OrderService", "export"),
				frame("com.example.web.OrderController", "get") };
		assertThat(ApplicationFrames.first(stack)).isEqualTo(stack[6]);
		assertThat(ApplicationFrames.describe(stack[6])).isEqualTo("OrderService.export");
	}

	@Test
	void stackWithOnlyFrameworkFramesHasNoApplicationFrame() {
		StackTraceElement[] stack = { frame("jdk.internal.misc.Unsafe", "park"),
				frame("org.apache.tomcat.util.threads.TaskThread", "run") };
		assertThat(ApplicationFrames.first(stack)).isNull();
		assertThat(new Holder(null, java.time.Duration.ZERO, null, stack).where()).isEqualTo("(no application frame)");
	}

	private static StackTraceElement frame(String className, String method) {
		return new StackTraceElement(className, method, null, -1);
	}

}
