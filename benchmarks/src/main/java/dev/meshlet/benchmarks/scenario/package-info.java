/**
 * The scenarios compared, and the seam where Meshlet's own scenarios plug in.
 */
@NullMarked
package dev.meshlet.benchmarks.scenario;

import org.jspecify.annotations.NullMarked;
