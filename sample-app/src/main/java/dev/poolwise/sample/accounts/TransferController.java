package dev.poolwise.sample.accounts;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /transfers}: 201 with the transfer, 400 for a request that can never succeed, 409 when the
 * debited account holds too little.
 */
@RestController
class TransferController {

	private final TransferService transferService;

	TransferController(TransferService transferService) {
		this.transferService = transferService;
	}

	@PostMapping("/transfers")
	@ResponseStatus(HttpStatus.CREATED)
	Transfer transfer(@RequestBody TransferRequest request) {
		return this.transferService.transfer(request);
	}

	@ExceptionHandler
	ProblemDetail invalidTransfer(InvalidTransferException ex) {
		return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, ex.getMessage());
	}

	@ExceptionHandler
	ProblemDetail insufficientFunds(InsufficientFundsException ex) {
		return ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, ex.getMessage());
	}

}
