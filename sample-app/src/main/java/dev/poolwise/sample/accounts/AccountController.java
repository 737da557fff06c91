package dev.poolwise.sample.accounts;

import java.util.List;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /accounts} and {@code GET /accounts/{id}}.
 */
@RestController
@RequestMapping("/accounts")
class AccountController {

	private final AccountRepository accounts;

	AccountController(AccountRepository accounts) {
		this.accounts = accounts;
	}

	@GetMapping
	List<Account> all() {
		return this.accounts.findAll();
	}

	@GetMapping("/{id}")
	ResponseEntity<Account> one(@PathVariable long id) {
		return ResponseEntity.of(this.accounts.findById(id));
	}

}
