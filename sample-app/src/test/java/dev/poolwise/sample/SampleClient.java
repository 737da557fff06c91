package dev.poolwise.sample;

import java.math.BigDecimal;
import java.util.List;

import tools.jackson.databind.JsonNode;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

import dev.poolwise.sample.accounts.Account;
import dev.poolwise.sample.accounts.TransferRequest;
import dev.poolwise.sample.load.LoadStatus;

/**
 * Real HTTP calls to a running sample application. Error statuses are returned, not thrown, so tests can
 * assert them.
 */
final class SampleClient {

	private final RestClient http;

	SampleClient(int port) {
		this.http = RestClient.builder()
			.baseUrl("http://localhost:" + port)
			.defaultStatusHandler((status) -> true, (request, response) -> {
			})
			.build();
	}

	List<Account> accounts() {
		return this.http.get().uri("/accounts").retrieve().body(new ParameterizedTypeReference<>() {
		});
	}

	BigDecimal balance(long account) {
		return this.http.get().uri("/accounts/{id}", account).retrieve().body(Account.class).balance();
	}

	BigDecimal totalBalance() {
		return accounts().stream().map(Account::balance).reduce(BigDecimal.ZERO, BigDecimal::add);
	}

	ResponseEntity<JsonNode> transfer(Long from, Long to, BigDecimal amount) {
		return this.http.post()
			.uri("/transfers")
			.body(new TransferRequest(from, to, amount))
			.retrieve()
			.toEntity(JsonNode.class);
	}

	ResponseEntity<JsonNode> get(String uri) {
		return this.http.get().uri(uri).retrieve().toEntity(JsonNode.class);
	}

	ResponseEntity<JsonNode> startLoad(int threads, int seconds, int holdMillis) {
		return this.http.post()
			.uri("/load?threads={threads}&seconds={seconds}&holdMillis={hold}", threads, seconds, holdMillis)
			.retrieve()
			.toEntity(JsonNode.class);
	}

	LoadStatus load() {
		return this.http.get().uri("/load").retrieve().body(LoadStatus.class);
	}

	LoadStatus stopLoad() {
		return this.http.delete().uri("/load").retrieve().body(LoadStatus.class);
	}

	PrometheusScrape prometheus() {
		return new PrometheusScrape(this.http.get().uri("/actuator/prometheus").retrieve().body(String.class));
	}

}
