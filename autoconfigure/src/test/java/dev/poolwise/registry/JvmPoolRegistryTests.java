package dev.poolwise.registry;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class JvmPoolRegistryTests {

	private static final String URL = "jdbc:postgresql://registry-tests.invalid:6543/app";

	private final JvmPoolRegistry registry = JvmPoolRegistry.get();

	@Test
	void aPoolClosedOutsideItsContextIsNeitherListedNorFoundOnItsServer() {
		LivePool closed = register("closed");
		LivePool open = register("open");
		try {
			assertThat(this.registry.onServer("registry-tests.invalid:6543")).containsExactly(closed, open);
			closed.dataSource().close();
			assertThat(this.registry.onServer("registry-tests.invalid:6543")).containsExactly(open);
			assertThat(this.registry.all()).contains(open).doesNotContain(closed);
		}
		finally {
			this.registry.deregister(closed.dataSource());
			this.registry.deregister(open.dataSource());
		}
	}

	@Test
	void aClosedPoolIsNoDuplicateOfTheNextPoolToTheSameTarget() {
		LivePool closed = register("closed");
		closed.dataSource().close();
		LivePool next = pool("next");
		try {
			assertThat(this.registry.register(next)).isEmpty();
		}
		finally {
			this.registry.deregister(closed.dataSource());
			this.registry.deregister(next.dataSource());
		}
	}

	@Test
	void aSecondPoolToATargetIsReportedOncePerJvmHoweverManyMoreFollow() {
		String url = "jdbc:postgresql://registry-tests.invalid:6543/cached";
		LivePool first = pool("first", url);
		LivePool second = pool("second", url);
		LivePool third = pool("third", url);
		try {
			assertThat(this.registry.register(first)).isEmpty();
			assertThat(this.registry.register(second)).containsExactly(first);
			assertThat(this.registry.register(third)).isEmpty();
		}
		finally {
			this.registry.deregister(first.dataSource());
			this.registry.deregister(second.dataSource());
			this.registry.deregister(third.dataSource());
		}
	}

	private LivePool register(String name) {
		LivePool pool = pool(name);
		this.registry.register(pool);
		return pool;
	}

	private static LivePool pool(String name) {
		return pool(name, URL);
	}

	private static LivePool pool(String name, String url) {
		HikariDataSource dataSource = new HikariDataSource();
		dataSource.setJdbcUrl(url);
		dataSource.setPoolName(name);
		return new LivePool(name, "test", PoolTarget.of(url, "app"), dataSource);
	}

}
