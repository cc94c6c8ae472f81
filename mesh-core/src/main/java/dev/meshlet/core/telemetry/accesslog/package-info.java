/**
 * Access logs through SLF4J, one line per call in Istio's default Envoy format (or as JSON with
 * Istio's keys), written only when switched on and only when the logger would print them.
 */
@NullMarked
package dev.meshlet.core.telemetry.accesslog;

import org.jspecify.annotations.NullMarked;
