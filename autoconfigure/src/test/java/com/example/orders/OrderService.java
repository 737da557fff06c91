package com.example.orders;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CountDownLatch;

import javax.sql.DataSource;

/**
 * Application code that holds pool connections in each of the ways a pool runs dry, outside Poolwise's and
 * the frameworks' packages so that its methods are what a holder report names. Each method borrows, says
 * so, and holds until released.
 */
public final class OrderService {

	private final DataSource dataSource;

	private final CountDownLatch release;

	public OrderService(DataSource dataSource, CountDownLatch release) {
		this.dataSource = dataSource;
		this.release = release;
	}

	/**
	 * Runs a long query: the backend is active, waiting on {@code Timeout:PgSleep}.
	 * @param borrowed counted down once the connection is borrowed
	 */
	public void exportOrders(CountDownLatch borrowed) throws SQLException {
		try (Connection connection = this.dataSource.getConnection();
				Statement statement = connection.createStatement()) {
			borrowed.countDown();
			statement.execute("SELECT pg_sleep(30)");
		}
	}

	/**
	 * Queries inside a transaction, then waits on something that is not the database: idle in transaction.
	 * @param borrowed counted down once the connection is borrowed
	 */
	public void sendConfirmation(CountDownLatch borrowed) throws SQLException, InterruptedException {
		try (Connection connection = this.dataSource.getConnection()) {
			connection.setAutoCommit(false);
			try (Statement statement = connection.createStatement()) {
				statement.execute("SELECT 1");
			}
			borrowed.countDown();
			this.release.await();
			connection.rollback();
		}
	}

	/**
	 * Keeps a connection outside a transaction while doing other work: idle.
	 * @param borrowed counted down once the connection is borrowed
	 */
	public void renderInvoice(CountDownLatch borrowed) throws SQLException, InterruptedException {
		try (Connection connection = this.dataSource.getConnection()) {
			try (Statement statement = connection.createStatement()) {
				statement.execute("SELECT 1");
			}
			borrowed.countDown();
			this.release.await();
		}
	}

}
