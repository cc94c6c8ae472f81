package dev.meshlet.agent.server;

import dev.meshlet.tls.authz.AuthorizationDecision;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Where the inbound chain reports a served request: Istio's metrics with
 * {@code reporter=destination}, a server span continued from the caller's trace context, an access
 * log line. The runtime implements it over its telemetry; the chain never lets an exception from
 * it reach the request.
 */
@FunctionalInterface
public interface InboundTelemetry {

  /** Reports nothing. */
  InboundTelemetry NOOP = call -> Observation.NOOP;

  /** A request arrived and its peer is known; called before authorization decides. */
  Observation start(InboundCallInfo call);

  /** One request being observed, ended exactly once. */
  interface Observation {

    /** Observes nothing. */
    Observation NOOP = (status, responseFlags, error) -> {};

    /**
     * The trace headers outbound calls made while serving should carry: a tracing implementation
     * puts its server span in place of the caller's. By default the inbound ones, unchanged.
     */
    default Map<String, String> propagation(Map<String, String> inbound) {
      return inbound;
    }

    /** Authorization decided (allowed, denied, audited or dry-run denied). */
    default void authorized(AuthorizationDecision decision) {}

    /**
     * The request is over.
     *
     * @param status the response status (0 when the connection was closed without an answer)
     * @param responseFlags Envoy's response flags, "" for none
     * @param error what failed the handler or the exchange, or null
     */
    void end(int status, String responseFlags, @Nullable Throwable error);
  }
}
