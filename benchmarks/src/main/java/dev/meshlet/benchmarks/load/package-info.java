/**
 * Load generation (open model at a fixed rate, corrected for coordinated omission; closed model for maximum throughput) and the cost meters of a phase.
 */
@NullMarked
package dev.meshlet.benchmarks.load;

import org.jspecify.annotations.NullMarked;
