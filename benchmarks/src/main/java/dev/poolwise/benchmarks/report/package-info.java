/**
 * How runs are written down: the Markdown report of the full run, the parts every study's report shares,
 * medians and paired ratios, the chart, and the JMH results read back.
 */
@NullMarked
package dev.poolwise.benchmarks.report;

import org.jspecify.annotations.NullMarked;
