package dev.poolwise.sample.load;

import java.time.Duration;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * {@code POST /load} starts a run (202), {@code GET /load} reports it and {@code DELETE /load} stops it.
 */
@RestController
@RequestMapping("/load")
class LoadController {

	private final LoadGenerator generator;

	LoadController(LoadGenerator generator) {
		this.generator = generator;
	}

	@PostMapping
	ResponseEntity<LoadStatus> start(@RequestParam(defaultValue = "50") int threads,
			@RequestParam(defaultValue = "30") long seconds, @RequestParam(defaultValue = "200") long holdMillis) {
		LoadPlan plan = new LoadPlan(threads, Duration.ofSeconds(seconds), Duration.ofMillis(holdMillis));
		LoadStatus status = this.generator.start(plan);
		return ResponseEntity.accepted()
			.location(ServletUriComponentsBuilder.fromCurrentRequest().replaceQuery(null).build().toUri())
			.body(status);
	}

	@GetMapping
	LoadStatus status() {
		return this.generator.status();
	}

	@DeleteMapping
	LoadStatus stop() {
		return this.generator.stop();
	}

	@ExceptionHandler
	ProblemDetail invalidPlan(IllegalArgumentException ex) {
		return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, ex.getMessage());
	}

	@ExceptionHandler
	ProblemDetail alreadyRunning(IllegalStateException ex) {
		return ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, ex.getMessage());
	}

}
