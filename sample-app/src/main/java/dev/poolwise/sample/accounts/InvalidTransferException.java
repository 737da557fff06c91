package dev.poolwise.sample.accounts;

/**
 * A transfer that can never succeed as asked: a missing field, a non-positive amount, the same account on
 * both sides or an account that does not exist.
 */
class InvalidTransferException extends RuntimeException {

	InvalidTransferException(String message) {
		super(message);
	}

}
