/**
 * Meshlet as the benchmark runs it: the realistic config both sides load, the client's and the
 * server's {@code Mesh}, and their telemetry (Prometheus metrics, sampled OpenTelemetry spans).
 */
@NullMarked
package dev.meshlet.benchmarks.mesh;

import org.jspecify.annotations.NullMarked;
