package dev.poolwise.replica;

import java.sql.Connection;

import org.jspecify.annotations.Nullable;

/**
 * A connection to the primary, borrowed for anything that is not a read-only transaction. When it may have
 * written (it created a statement, or handed out the driver's own connection, e.g. for {@code COPY}), it marks
 * the moment that work became visible, for {@link ReadYourWrites}: after the commit, so reads in Spring's
 * after-commit callbacks and {@code @TransactionalEventListener}s that run before the connection is released
 * see it; after auto-commit work when it is given back or when its auto-commit mode changes. A rollback that
 * succeeded marks nothing: nothing became visible. No round trip on the write's path. A statement created
 * before a commit and executed again after it, in auto-commit mode, is not seen: such a write is marked only
 * if the connection creates a statement again before it is given back.
 */
final class PrimaryConnection extends ConnectionHandler {

	private final ReadYourWrites writes;

	/** Whether work since the last mark may have written. */
	private boolean dirty;

	/** Whether the call under way failed. */
	private boolean failed;

	private PrimaryConnection(Connection target, ReadYourWrites writes) {
		super(target);
		this.writes = writes;
	}

	static Connection wrap(Connection target, ReadYourWrites writes) {
		return new PrimaryConnection(target, writes).proxy();
	}

	@Override
	void before(String method, @Nullable Object[] args) {
		if (createsStatement(method) || method.equals("unwrap")) {
			this.dirty = true;
		}
	}

	@Override
	void failed(Throwable failure) {
		this.failed = true;
	}

	@Override
	void after(String method, @Nullable Object[] args) {
		boolean succeeded = !this.failed;
		this.failed = false;
		if (method.equals("commit") || method.equals("setAutoCommit") || method.equals("close")) {
			mark();
		}
		else if (method.equals("rollback") && (args == null || args.length == 0) && succeeded) {
			this.dirty = false;
		}
	}

	private void mark() {
		if (this.dirty) {
			this.dirty = false;
			this.writes.wrote();
		}
	}

}
