/**
 * Telemetry for one call, the way Istio's sidecar reports it: Istio's standard metrics,
 * OpenTelemetry spans with the HTTP semantic conventions, and Envoy-style access logs. The
 * client and server paths fill one {@link dev.meshlet.core.telemetry.CallRecord} per call and
 * hand it to the {@link dev.meshlet.core.telemetry.Telemetry} facade, which never throws on the
 * request path.
 */
@NullMarked
package dev.meshlet.core.telemetry;

import org.jspecify.annotations.NullMarked;
