/**
 * Spans and context propagation on the user's OpenTelemetry: a client span per attempt of an
 * outbound call, a server span per inbound request, with the OpenTelemetry HTTP semantic
 * conventions; W3C trace context and baggage plus Zipkin's B3 (single and multi header) so that
 * traces join services behind Envoy or Zipkin tracers. Headers are reached through plain
 * functions, so no HTTP library is needed here.
 */
@NullMarked
package dev.meshlet.core.telemetry.tracing;

import org.jspecify.annotations.NullMarked;
