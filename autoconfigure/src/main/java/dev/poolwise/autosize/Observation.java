package dev.poolwise.autosize;

/**
 * What one tick measured of a pool, the numbers a decision is made from.
 *
 * @param nanos monotonic time of the measurement
 * @param pending threads waiting for a connection at that moment
 * @param active connections lent out at that moment
 * @param max the pool's working maximum
 * @param throughput connections handed out per second since the last tick
 * @param meanWaitMillis mean time a caller waited for its connection since the last tick
 * @param inUse mean connections in use since the last tick (Little's law: total hold time / elapsed)
 * @param handedOut how many borrows the numbers rest on: those handed out since the last tick, or since callers
 * began to wait in a calm pool when that was within the window
 */
public record Observation(long nanos, int pending, int active, int max, double throughput, double meanWaitMillis,
		double inUse, long handedOut) {

}
