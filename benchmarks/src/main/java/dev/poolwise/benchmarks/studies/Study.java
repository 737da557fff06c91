package dev.poolwise.benchmarks.studies;

/**
 * One question the benchmarks answer with a report: it gets its {@code Settings} through its constructor,
 * starts the servers and applications it needs, measures, and writes its report
 * ({@code ReportSection.write}) under the name its {@code Mode} gives.
 */
@FunctionalInterface
public interface Study {

	void run() throws Exception;

}
