/**
 * Results of a scenario, the ratios between scenarios and the one-line JSON report.
 */
@NullMarked
package dev.meshlet.benchmarks.report;

import org.jspecify.annotations.NullMarked;
