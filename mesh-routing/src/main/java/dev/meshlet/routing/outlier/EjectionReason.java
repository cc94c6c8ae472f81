package dev.meshlet.routing.outlier;

/** Why an endpoint was ejected. */
public enum EjectionReason {
  /** {@code consecutive5xxErrors} 5xx responses in a row. */
  CONSECUTIVE_5XX,
  /** {@code consecutiveGatewayErrors} 502, 503 or 504 responses in a row. */
  CONSECUTIVE_GATEWAY_ERROR,
  /** {@code consecutiveLocalOriginFailures} connect failures, timeouts or resets in a row. */
  CONSECUTIVE_LOCAL_ORIGIN_FAILURE
}
