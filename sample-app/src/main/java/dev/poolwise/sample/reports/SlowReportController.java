package dev.poolwise.sample.reports;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * {@code GET /reports/slow?seconds=N}: a report that keeps one pool connection busy for N seconds.
 */
@RestController
class SlowReportController {

	/**
	 * Longest sleep accepted, below the sample's session statement timeout (30s) so the server never
	 * cancels the report.
	 */
	private static final int MAX_SECONDS = 10;

	private final SlowReportQuery query;

	SlowReportController(SlowReportQuery query) {
		this.query = query;
	}

	@GetMapping("/reports/slow")
	SlowReport slow(@RequestParam(defaultValue = "2") double seconds) {
		if (!(seconds >= 0 && seconds <= MAX_SECONDS)) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST,
					"seconds must be between 0 and " + MAX_SECONDS + ", was " + seconds);
		}
		return this.query.run(seconds);
	}

}
