package dev.poolwise.benchmarks;

import dev.poolwise.benchmarks.harness.Settings;
import dev.poolwise.benchmarks.studies.Study;
import dev.poolwise.benchmarks.studies.autosize.AutosizeStudy;
import dev.poolwise.benchmarks.studies.fairqueue.FairQueueStudy;
import dev.poolwise.benchmarks.studies.batched.BatchedWrites;
import dev.poolwise.benchmarks.studies.health.HealthLatency;
import dev.poolwise.benchmarks.studies.pgbouncer.PgBouncerPreparedStatements;
import dev.poolwise.benchmarks.studies.replicas.ReadReplicas;
import dev.poolwise.benchmarks.studies.soak.FaultSoakRuns;
import dev.poolwise.benchmarks.studies.throughput.Attribution;
import dev.poolwise.benchmarks.studies.throughput.Throughput;
import dev.poolwise.benchmarks.studies.tls.TlsCost;
import dev.poolwise.benchmarks.studies.virtualthreads.VirtualThreadsComparison;

/**
 * The load harness: reads the settings once and runs the study of the chosen mode
 * ({@code -Dbench.mode}, the full run by default).
 */
public final class LoadBenchmark {

	private LoadBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		Settings settings = Settings.fromSystemProperties();
		study(settings).run();
	}

	/**
	 * The study of each mode: a mode without a study here does not compile.
	 */
	static Study study(Settings settings) {
		return switch (settings.mode()) {
			case FULL -> new Throughput(settings);
			case ATTRIBUTION -> new Attribution(settings);
			case BATCHED_WRITES -> new BatchedWrites(settings);
			case HEALTH_LATENCY -> new HealthLatency(settings);
			case VIRTUAL_THREADS -> new VirtualThreadsComparison(settings);
			case TLS -> new TlsCost(settings);
			case READ_REPLICAS -> new ReadReplicas(settings);
			case FAULT_SOAK -> new FaultSoakRuns(settings);
			case AUTOSIZING -> new AutosizeStudy(settings);
			case PGBOUNCER -> new PgBouncerPreparedStatements(settings);
			case FAIR_QUEUE -> new FairQueueStudy(settings);
		};
	}

}
