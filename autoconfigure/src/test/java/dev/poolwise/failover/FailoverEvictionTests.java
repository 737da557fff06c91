package dev.poolwise.failover;

import java.sql.SQLException;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.SQLExceptionOverride;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which pools {@link FailoverEviction} follows the primary for, and how it keeps an application's override.
 */
class FailoverEvictionTests {

	@Test
	void poolOnThePrimaryEvictsOnReadOnlyTransactions() {
		HikariDataSource dataSource = pool("jdbc:postgresql://db1:5432,db2:5432/app?targetServerType=primary");
		FailoverEviction.install(dataSource);
		assertThat(dataSource.getExceptionOverride()).isInstanceOf(ReadOnlyEviction.class);
		assertThat(dataSource.getExceptionOverride().adjudicate(new SQLException("read-only", "25006")))
			.isEqualTo(SQLExceptionOverride.Override.MUST_EVICT);
	}

	@Test
	void poolMeantForAStandbyIsLeftAlone() {
		HikariDataSource secondary = pool("jdbc:postgresql://db1:5432,db2:5432/app?targetServerType=preferSecondary");
		FailoverEviction.install(secondary);
		assertThat(secondary.getExceptionOverride()).isNull();
		HikariDataSource readOnly = pool("jdbc:postgresql://db1:5432/app");
		readOnly.setReadOnly(true);
		FailoverEviction.install(readOnly);
		assertThat(readOnly.getExceptionOverride()).isNull();
		HikariDataSource byProperty = pool("jdbc:postgresql://db1:5432/app");
		byProperty.addDataSourceProperty("targetServerType", "standby");
		FailoverEviction.install(byProperty);
		assertThat(byProperty.getExceptionOverride()).isNull();
	}

	@Test
	void applicationOverrideByClassNameIsKeptAndAskedFirst() {
		HikariDataSource dataSource = pool("jdbc:postgresql://db1:5432/app");
		dataSource.setExceptionOverrideClassName(NeverEvict.class.getName());
		FailoverEviction.install(dataSource);
		assertThat(dataSource.getExceptionOverride()).isInstanceOfSatisfying(ReadOnlyEviction.class,
				(eviction) -> assertThat(eviction.getApplicationOverride()).isInstanceOf(NeverEvict.class));
		assertThat(dataSource.getExceptionOverride().adjudicate(new SQLException("read-only", "25006")))
			.isEqualTo(SQLExceptionOverride.Override.DO_NOT_EVICT);
	}

	@Test
	void installingTwiceWrapsOnce() {
		HikariDataSource dataSource = pool("jdbc:postgresql://db1:5432/app");
		FailoverEviction.install(dataSource);
		SQLExceptionOverride first = dataSource.getExceptionOverride();
		FailoverEviction.install(dataSource);
		assertThat(dataSource.getExceptionOverride()).isSameAs(first);
	}

	private static HikariDataSource pool(String url) {
		HikariDataSource dataSource = new HikariDataSource();
		dataSource.setJdbcUrl(url);
		dataSource.setPoolName("test");
		return dataSource;
	}

	public static class NeverEvict implements SQLExceptionOverride {

		@java.lang.Override
		public SQLExceptionOverride.Override adjudicate(SQLException ex) {
			return SQLExceptionOverride.Override.DO_NOT_EVICT;
		}

	}

}
