/**
 * The load harness's entry points: the orchestrator that runs every scenario and the per-scenario client process.
 */
@NullMarked
package dev.meshlet.benchmarks;

import org.jspecify.annotations.NullMarked;
