package dev.poolwise.sample.accounts;

import java.math.BigDecimal;
import java.util.List;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Moves money between two accounts in one transaction: both rows are locked, the balance is checked under
 * the lock, both balances change and the transfer is recorded, or nothing happens at all.
 */
@Service
public class TransferService {

	private final AccountRepository accounts;

	private final TransferRepository transfers;

	TransferService(AccountRepository accounts, TransferRepository transfers) {
		this.accounts = accounts;
		this.transfers = transfers;
	}

	/**
	 * Moves the amount of a request.
	 * @param request the transfer asked for
	 * @return the committed transfer
	 * @throws InvalidTransferException if the request can never succeed
	 * @throws InsufficientFundsException if the debited account holds less than the amount
	 */
	@Transactional
	public Transfer transfer(TransferRequest request) {
		check(request);
		long from = request.from();
		long to = request.to();
		BigDecimal amount = request.amount();
		List<Account> locked = this.accounts.lockInIdOrder(List.of(from, to));
		Account debited = locked.stream()
			.filter((account) -> account.id() == from)
			.findFirst()
			.orElseThrow(() -> new InvalidTransferException("Account " + from + " does not exist"));
		if (locked.size() < 2) {
			throw new InvalidTransferException("Account " + to + " does not exist");
		}
		if (debited.balance().compareTo(amount) < 0) {
			throw new InsufficientFundsException(from, debited.balance(), amount);
		}
		this.accounts.addToBalance(from, amount.negate());
		this.accounts.addToBalance(to, amount);
		return this.transfers.insert(from, to, amount);
	}

	private static void check(TransferRequest request) {
		if (request.from() == null || request.to() == null || request.amount() == null) {
			throw new InvalidTransferException("from, to and amount are required");
		}
		if (request.from().equals(request.to())) {
			throw new InvalidTransferException("from and to must be different accounts");
		}
		if (request.amount().signum() <= 0 || request.amount().stripTrailingZeros().scale() > 2) {
			throw new InvalidTransferException("amount must be positive with at most two decimals");
		}
	}

}
